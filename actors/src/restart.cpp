#include <troupe/actors/restart.hpp>

namespace troupe::actors {

result<restart_point> load_restart(const std::filesystem::path& dir, std::string_view program,
                                   std::string_view layout, std::size_t parts,
                                   const checkpoint_warning& warn) {
  auto cp = find_latest(dir, program, warn);
  if (!cp)
    return cp.error();
  if (auto fits = cp->check_layout(layout, parts); !fits)
    return fits.error();
  restart_point from;
  from.path = cp->path();
  from.step = cp->info().step;
  from.time = cp->info().time;
  for (const auto& [name, value] : cp->info().parameters)
    from.values.set(name, value);
  from.parts.reserve(parts);
  for (std::size_t rank = 0; rank < parts; ++rank) {
    auto bytes = cp->read_part(rank);
    if (!bytes)
      return bytes.error();
    from.parts.push_back(std::move(*bytes));
  }
  return from;
}

} // namespace troupe::actors
