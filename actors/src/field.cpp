#include <troupe/actors/field.hpp>

#include <vector>

#include <troupe/actors/collectives.hpp>

namespace troupe::actors {

task<result<std::optional<Eigen::ArrayXXd>>> gather_field(context& self, group& parts,
                                                          const tile_layout& layout,
                                                          const tile& mine, std::size_t root) {
  Eigen::ArrayXXd own = mine.interior();
  block cells{std::vector<double>(own.data(), own.data() + own.size())};
  auto pieces = co_await gather(self, parts, std::move(cells), root);
  if (!pieces)
    co_return pieces.error();
  using gathered = std::optional<Eigen::ArrayXXd>;
  if (parts.rank_of(self.address()) != root)
    co_return gathered{};
  Eigen::ArrayXXd field(layout.nx(), layout.ny());
  for (std::size_t r = 0; r < pieces->size(); ++r) {
    auto e = layout.extent(static_cast<std::int64_t>(r));
    field.block(e.x0, e.y0, e.nx, e.ny) =
        Eigen::Map<const Eigen::ArrayXXd>((*pieces)[r].data(), e.nx, e.ny);
  }
  co_return gathered{std::move(field)};
}

std::uint64_t field_checksum(const Eigen::ArrayXXd& field) {
  std::uint64_t h = 14695981039346656037ull;
  const auto* bytes = reinterpret_cast<const unsigned char*>(field.data());
  auto count = static_cast<std::size_t>(field.size()) * sizeof(double);
  for (std::size_t i = 0; i < count; ++i)
    h = (h ^ bytes[i]) * 1099511628211ull;
  return h;
}

} // namespace troupe::actors
