/// @file
/// A tile simulation's whole field: gathered from every part's tile at one rank, and its
/// fingerprint for comparing runs bit for bit.
#pragma once

#include <cstdint>
#include <optional>

#include <Eigen/Core>

#include <troupe/actors/group.hpp>
#include <troupe/actors/tile.hpp>
#include <troupe/actors/tile_layout.hpp>
#include <troupe/context.hpp>
#include <troupe/result.hpp>
#include <troupe/task.hpp>

namespace troupe::actors {

/// Gathers every part's own cells (`mine.interior()`) into the NX×NY field at rank `root`: a
/// collective (every part of `parts` calls it, in the same order as its other collectives).
/// At `root` the field (x the first index), elsewhere nothing; fails as `gather` fails.
///
/// ```cpp
/// auto field = (co_await troupe::actors::gather_field(self, link.parts, layout, t)).value();
/// if (field) std::printf("checksum: %016" PRIx64 "\n", troupe::actors::field_checksum(*field));
/// ```
task<result<std::optional<Eigen::ArrayXXd>>> gather_field(context& self, group& parts,
                                                          const tile_layout& layout,
                                                          const tile& mine, std::size_t root = 0);

/// A 64-bit FNV-1a hash of the field's bits in x-fastest order: equal for runs whose fields
/// are equal bit for bit (and, but for a 2⁻⁶⁴ chance, only for those).
std::uint64_t field_checksum(const Eigen::ArrayXXd& field);

} // namespace troupe::actors
