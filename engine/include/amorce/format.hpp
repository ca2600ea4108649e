#pragma once
/// Number formatting shared by every table and report: one place that turns a double into
/// grouped digits, safe for any value (no conversion to an integer type, which is undefined
/// behaviour beyond 9.2e18).
#include <string>
#include <string_view>

namespace amorce {

/// round(v) (half away from zero) with its digits grouped by thousands with `sep`, e.g.
/// 1234567.5 -> "1 234 568"; "-" for NaN, "inf"/"-inf" for infinities.
std::string group_thousands(double v, std::string_view sep);

}  // namespace amorce
