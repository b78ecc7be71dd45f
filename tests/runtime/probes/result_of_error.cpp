// Must not compile: result<troupe::error> cannot tell its value from its failure.
#include <troupe/result.hpp>

troupe::result<troupe::error> ambiguous() {
  return troupe::error{troupe::errc::timeout, "which side is this?"};
}
