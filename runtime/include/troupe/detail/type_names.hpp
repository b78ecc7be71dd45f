/// @file
/// Readable names of C++ types, for introspection and error messages.
#pragma once

#include <string>
#include <typeinfo>

#include <caf/atom.hpp>

namespace troupe::detail {

/// The demangled name of `ti`.
std::string demangle(const std::type_info& ti);

template <class T>
struct type_name_of {
  static std::string get() {
    return demangle(typeid(T));
  }
};

template <caf::atom_value V>
struct type_name_of<caf::atom_constant<V>> {
  static std::string get() {
    return "'" + caf::to_string(V) + "'";
  }
};

/// "T1, T2, ..." for the given types, computed once per type list.
template <class... Ts>
const std::string& type_names() {
  static const std::string result = [] {
    std::string out;
    ((out += (out.empty() ? "" : ", ") + type_name_of<Ts>::get()), ...);
    return out;
  }();
  return result;
}

} // namespace troupe::detail
