#include "amorce/format.hpp"

#include <cmath>
#include <fmt/format.h>

namespace amorce {

std::string group_thousands(double v, std::string_view sep) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  double r = std::round(v);  // half away from zero, exact in double
  const bool neg = r < 0;
  // an integral double prints exactly with {:.0f}, whatever its magnitude
  std::string digits = fmt::format("{:.0f}", std::fabs(r));
  std::string out;
  out.reserve(digits.size() + digits.size() / 3 * sep.size() + 1);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out.append(sep);
    out.push_back(digits[i]);
  }
  return neg ? "-" + out : out;
}

}  // namespace amorce
