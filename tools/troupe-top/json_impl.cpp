// Boost.JSON compiled once for troupe-top, header-only (Debian 12 ships libboost-json as a
// separate package).
#include <boost/json/src.hpp>
