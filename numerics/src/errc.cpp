#include <troupe/numerics/errc.hpp>

namespace troupe::numerics {

namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override {
    return "troupe.numerics";
  }

  std::string message(int code) const override {
    switch (static_cast<errc>(code)) {
      case errc::dimension_mismatch:
        return "dimension mismatch";
      case errc::empty_input:
        return "empty input";
      case errc::non_finite:
        return "non-finite input";
      case errc::singular:
        return "singular matrix";
      case errc::not_positive_definite:
        return "matrix not positive definite";
      case errc::invalid_argument:
        return "invalid argument";
    }
    return "unknown troupe.numerics error";
  }
};

} // namespace

const std::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

} // namespace troupe::numerics
