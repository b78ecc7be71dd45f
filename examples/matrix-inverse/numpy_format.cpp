#include "numpy_format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

namespace {

constexpr int precision = 8;

std::string chars(double x, std::chars_format fmt) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x, fmt);
  return {buf, r.ptr};
}

std::string chars(double x, std::chars_format fmt, int digits) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, x, fmt, digits);
  return {buf, r.ptr};
}

// Digits after the point in a mantissa or positional string ("1.25" -> 2, "3" -> 0).
int fraction_digits(const std::string& s) {
  auto end = s.find('e');
  auto mantissa = s.substr(0, end);
  auto dot = mantissa.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(mantissa.size() - dot - 1);
}

// Dragon4 in NumPy's "unique" mode: the shortest round-trip digits, cut at `precision`
// fraction digits; trailing zeros trimmed but the point kept ("1.", "0.5").
std::string positional(double x) {
  auto s = chars(x, std::chars_format::fixed);
  if (fraction_digits(s) > precision) {
    s = chars(x, std::chars_format::fixed, precision);
    while (s.back() == '0')
      s.pop_back();
  }
  if (s.find('.') == std::string::npos)
    s += '.';
  return s;
}

struct scientific_parts {
  std::string mantissa;
  std::string exponent; // sign and digits, e.g. "-17"
};

scientific_parts scientific(double x, int digits) {
  auto s = chars(x, std::chars_format::scientific, digits);
  auto e = s.find('e');
  auto mantissa = s.substr(0, e);
  if (mantissa.find('.') == std::string::npos)
    mantissa += '.';
  return {mantissa, s.substr(e + 1)};
}

} // namespace

std::string python_repr(double x) {
  // repr switches to scientific below 1e-4 and from 1e16 on.
  auto ax = std::abs(x);
  if (ax != 0 && (ax < 1e-4 || ax >= 1e16)) {
    auto s = chars(x, std::chars_format::scientific);
    return s;
  }
  auto s = chars(x, std::chars_format::fixed);
  if (s.find('.') == std::string::npos)
    s += ".0";
  return s;
}

std::string numpy_format(const Eigen::MatrixXd& m) {
  double max_val = 0, min_val = 0;
  bool any = false;
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    auto a = std::abs(m.data()[i]);
    if (a == 0 || !std::isfinite(a))
      continue;
    max_val = any ? std::max(max_val, a) : a;
    min_val = any ? std::min(min_val, a) : a;
    any = true;
  }
  bool exp_format = any && (max_val >= 1e8 || min_val < 1e-4 || max_val / min_val > 1000.);

  std::vector<std::string> cells(static_cast<std::size_t>(m.size()));
  if (exp_format) {
    // Common precision: the most unique digits any element needs, at most 8.
    int digits = 0;
    for (Eigen::Index i = 0; i < m.size(); ++i)
      digits = std::max(
          digits,
          std::min(precision, fraction_digits(chars(m.data()[i], std::chars_format::scientific))));
    std::size_t exp_size = 2, pad_left = 0;
    std::vector<scientific_parts> parts;
    for (Eigen::Index i = 0; i < m.size(); ++i) {
      parts.push_back(scientific(m.data()[i], digits));
      exp_size = std::max(exp_size, parts.back().exponent.size() - 1);
      pad_left = std::max(pad_left, parts.back().mantissa.find('.'));
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
      auto& p = parts[i];
      auto int_len = p.mantissa.find('.');
      auto exp_digits = p.exponent.substr(1);
      exp_digits.insert(0, exp_size - exp_digits.size(), '0');
      cells[i] =
          std::string(pad_left - int_len, ' ') + p.mantissa + 'e' + p.exponent[0] + exp_digits;
    }
  } else {
    std::size_t pad_left = 0, pad_right = 0;
    for (Eigen::Index i = 0; i < m.size(); ++i) {
      auto s = positional(m.data()[i]);
      auto dot = s.find('.');
      pad_left = std::max(pad_left, dot);
      pad_right = std::max(pad_right, s.size() - dot - 1);
      cells[static_cast<std::size_t>(i)] = s;
    }
    for (auto& s : cells) {
      auto dot = s.find('.');
      s = std::string(pad_left - dot, ' ') + s + std::string(pad_right - (s.size() - dot - 1), ' ');
    }
  }

  // Column-major storage: element (i, j) is cells[i + j*rows].
  std::string out = "[";
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    out += i == 0 ? "[" : " [";
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      if (j > 0)
        out += ' ';
      out += cells[static_cast<std::size_t>(i + j * m.rows())];
    }
    out += i + 1 == m.rows() ? "]]" : "]\n";
  }
  return out;
}
