#include <troupe/actors/placement.hpp>

#include <troupe/assert.hpp>

namespace troupe::actors {

std::vector<std::size_t> place(std::size_t parts, std::size_t nodes, placement how) {
  TROUPE_ASSERT(nodes > 0, "place: no nodes to place parts on");
  std::vector<std::size_t> where(parts);
  for (std::size_t r = 0; r < parts; ++r)
    where[r] = how == placement::round_robin ? r % nodes : r * nodes / parts;
  return where;
}

std::string to_string(placement how) {
  return how == placement::round_robin ? "round-robin" : "block";
}

result<placement> parse_placement(const std::string& text) {
  if (text == "round-robin")
    return placement::round_robin;
  if (text == "block")
    return placement::block;
  return error{errc::bad_option, "placement must be round-robin or block (got '" + text + "')"};
}

} // namespace troupe::actors
