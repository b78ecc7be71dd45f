// Messages and bytes between nodes, per peer node, counted where CAF's BASP instance sends and
// receives them.
//
// CAF 0.17's middleman keeps no counters and offers no hook (0.16's io hooks are gone; the
// metrics of 0.18 do not exist yet). Every remote message passes three exported members of
// caf::io::basp::instance, which libcaf_io calls through its PLT: `dispatch` (a message to an
// actor of another node), `flush(route)` (the bytes written for a peer go to its connection)
// and `handle(new_data_msg)` (bytes read from a connection: a header, then its payload). This
// file defines those three: the dynamic linker binds libcaf_io's calls to the executable's
// definitions (as for SSL_CTX_set_verify in tls_refusals.cpp), which count and call
// libcaf_io's own (dlsym RTLD_NEXT). They run on the middleman's thread, where `this` is the
// broker's instance, so its routing table names the peer. Counting the sockets instead would
// need the same peer lookup from outside the broker, and would miss nothing this misses
// except the heartbeats (flushed straight to the connection) and, under TLS, the TLS records'
// overhead: the bytes here are BASP's (headers and payloads), before encryption.
#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include <caf/io/basp/instance.hpp>
#include <caf/io/system_messages.hpp>

#include "../internal/monitor.hpp"

namespace troupe::detail::monitor {

namespace {

struct counts {
  std::atomic<std::uint64_t> messages_sent{0};
  std::atomic<std::uint64_t> messages_received{0};
  std::atomic<std::uint64_t> bytes_sent{0};
  std::atomic<std::uint64_t> bytes_received{0};
};

// Counts per (this node, peer node): one process may run several nodes (the tests do).
class wire_table {
public:
  counts& of(const caf::node_id& self, const caf::node_id& peer) {
    // The middleman's thread talks to few peers, mostly the same one in a row.
    thread_local caf::node_id last_self;
    thread_local caf::node_id last_peer;
    thread_local counts* last = nullptr;
    if (last != nullptr && last_peer == peer && last_self == self)
      return *last;
    std::lock_guard<std::mutex> guard{mtx_};
    auto& slot = by_[{self, peer}];
    if (!slot)
      slot = std::make_unique<counts>();
    last_self = self;
    last_peer = peer;
    last = slot.get();
    return *last;
  }

  std::vector<wire_view> views(const std::string& self) {
    std::vector<wire_view> out;
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& [key, c] : by_)
      if (caf::to_string(key.first) == self)
        out.push_back({caf::to_string(key.second), c->messages_sent.load(std::memory_order_relaxed),
                       c->messages_received.load(std::memory_order_relaxed),
                       c->bytes_sent.load(std::memory_order_relaxed),
                       c->bytes_received.load(std::memory_order_relaxed)});
    return out;
  }

private:
  std::mutex mtx_;
  // Never erased: a peer's counters outlive its connection, as counters do.
  std::map<std::pair<caf::node_id, caf::node_id>, std::unique_ptr<counts>> by_;
};

wire_table& table() {
  static wire_table t;
  return t;
}

// libcaf_io's own definition of a member, or an abort naming it (an ABI this file does not
// know: the process would otherwise send nothing at all).
template <class Fn>
Fn next_definition(const char* mangled, const char* readable) {
  auto* fn = ::dlsym(RTLD_NEXT, mangled);
  if (fn == nullptr) {
    std::fprintf(stderr,
                 "troupe: libcaf_io has no %s; was CAF rebuilt? (runtime/src/monitor/wire.cpp)\n",
                 readable);
    std::abort();
  }
  return reinterpret_cast<Fn>(fn);
}

} // namespace

std::vector<wire_view> wire_counts(const std::string& self) {
  return table().views(self);
}

} // namespace troupe::detail::monitor

namespace caf::io::basp {

bool instance::dispatch(execution_unit* ctx, const strong_actor_ptr& sender,
                        const std::vector<strong_actor_ptr>& forwarding_stack,
                        const node_id& dest_node, uint64_t dest_actor, uint8_t flags,
                        message_id mid, const message& msg) {
  using fn = bool (*)(instance*, execution_unit*, const strong_actor_ptr&,
                      const std::vector<strong_actor_ptr>&, const node_id&, uint64_t, uint8_t,
                      message_id, const message&);
  static const auto next = troupe::detail::monitor::next_definition<fn>(
      "_ZN3caf2io4basp8instance8dispatchEPNS_14execution_unitERKNS_13intrusive_ptrINS_19actor_"
      "control_blockEEERKSt6vectorIS7_SaIS7_EERKNS_7node_idEmhNS_10message_idERKNS_7messageE",
      "caf::io::basp::instance::dispatch");
  auto sent = next(this, ctx, sender, forwarding_stack, dest_node, dest_actor, flags, mid, msg);
  if (sent)
    troupe::detail::monitor::table()
        .of(this_node_, dest_node)
        .messages_sent.fetch_add(1, std::memory_order_relaxed);
  return sent;
}

void instance::flush(const routing_table::route& path) {
  using fn = void (*)(instance*, const routing_table::route&);
  static const auto next = troupe::detail::monitor::next_definition<fn>(
      "_ZN3caf2io4basp8instance5flushERKNS1_13routing_table5routeE",
      "caf::io::basp::instance::flush");
  auto bytes = callee_.get_buffer(path.hdl).size();
  if (bytes > 0)
    troupe::detail::monitor::table()
        .of(this_node_, path.next_hop)
        .bytes_sent.fetch_add(bytes, std::memory_order_relaxed);
  next(this, path);
}

connection_state instance::handle(execution_unit* ctx, new_data_msg& dm, header& hdr,
                                  bool is_payload) {
  using fn = connection_state (*)(instance*, execution_unit*, new_data_msg&, header&, bool);
  static const auto next = troupe::detail::monitor::next_definition<fn>(
      "_ZN3caf2io4basp8instance6handleEPNS_14execution_unitERNS0_12new_data_msgERNS1_6headerEb",
      "caf::io::basp::instance::handle");
  auto peer = tbl_.lookup_direct(dm.handle); // before: a failed read may drop the connection
  auto bytes = dm.buf.size();
  auto state = next(this, ctx, dm, hdr, is_payload);
  if (peer != none) {
    auto& c = troupe::detail::monitor::table().of(this_node_, peer);
    c.bytes_received.fetch_add(bytes, std::memory_order_relaxed);
    if (is_payload && (hdr.operation == message_type::direct_message ||
                       hdr.operation == message_type::routed_message))
      c.messages_received.fetch_add(1, std::memory_order_relaxed);
  }
  return state;
}

} // namespace caf::io::basp
