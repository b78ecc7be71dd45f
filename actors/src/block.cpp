#include <troupe/actors/block.hpp>

#include <string>

#include <caf/deserializer.hpp>
#include <caf/sec.hpp>
#include <caf/serializer.hpp>

#include <troupe/actors/detail/state_serializer.hpp>

namespace troupe::actors {

caf::error inspect(caf::serializer& f, block& x) {
  auto bytes = x.values.size() * sizeof(double);
  return caf::error::eval([&] { return f.begin_sequence(bytes); },
                          [&] { return bytes > 0 ? f.apply_raw(bytes, x.data()) : caf::none; },
                          [&] { return f.end_sequence(); });
}

caf::error inspect(caf::deserializer& f, block& x) {
  std::size_t bytes = 0;
  if (auto err = f.begin_sequence(bytes))
    return err;
  if (bytes % sizeof(double) != 0)
    return caf::make_error(caf::sec::invalid_argument,
                           "troupe::actors::block: " + std::to_string(bytes) +
                               " bytes is not a whole number of doubles (a corrupt message, or "
                               "nodes of different builds)");
  // Checked before allocating: a corrupt or hostile count must not allocate terabytes.
  if (auto left = detail::input_left(f); left && bytes > *left)
    return caf::make_error(caf::sec::end_of_stream,
                           "troupe::actors::block: " + std::to_string(bytes) +
                               " bytes announced, " + std::to_string(*left) +
                               " left in the message (truncated or corrupt)");
  x.values.resize(bytes / sizeof(double));
  return caf::error::eval([&] { return bytes > 0 ? f.apply_raw(bytes, x.data()) : caf::none; },
                          [&] { return f.end_sequence(); });
}

void add_block_type(caf::actor_system_config& cfg) {
  cfg.add_message_type<block>("troupe::actors::block");
}

} // namespace troupe::actors
