#pragma once
/// The standard funder stresses, as variants of a scenario compared with it under common
/// random numbers (compare.hpp): subsidies paid 3, 6 and 12 months later, yearly subsidies
/// not renewed after fiscal year 1, 2 or 3, earned revenue -20 %, ramp-up twice as slow,
/// plus the scenario's own `variants`.
#include <functional>
#include <string>
#include <vector>

#include "amorce/compare.hpp"
#include "amorce/scenario.hpp"

namespace amorce {

/// A stressed copy of a scenario.
struct StressCase {
  std::string name;         ///< stable key: "subsidy_delay_6", "no_renewal_after_year_2", ...
  std::string description;  ///< human text for the table
  Scenario scenario;
};

/// Every subsidy payment (operating, job and investment grants) `months` later: each
/// payment's `at` becomes `(at) + months` (a subsidy without payments gets one at start + months).
Scenario delay_subsidies(const Scenario& s, int months);
/// Yearly subsidies (period: year) end with fiscal year `years` (1 = the first fiscal year):
/// `until` is capped at the first month of the next fiscal year. False when nothing changes
/// (no yearly subsidy, or the horizon ends before).
bool cap_yearly_subsidies(const Scenario& s, int years, Scenario& out);
/// Every revenue amount multiplied by `factor`.
Scenario scale_revenue(const Scenario& s, double factor);
/// ramp(from, n) -> ramp(from, (n) * k) and scurve(mid, w) -> scurve((mid) * k, (w) * k) in
/// series and revenue amounts (time stretched by k from month 0). False when no ramp is found.
bool slow_ramps(const Scenario& s, double k, Scenario& out);
/// Rewrites every call fn(args) in an expression text (nested calls too).
std::string rewrite_calls(const std::string& text, const std::string& fn,
                          const std::function<std::string(std::vector<std::string>)>& rewrite);

/// The standard stresses applicable to `s`; `load_variant` (may be empty) loads the
/// scenario's own variants by name, appended at the end.
std::vector<StressCase> standard_stresses(const Scenario& s,
                                          const std::function<Scenario(const std::string&)>& load_variant = {});

/// Compiles each stress and compares it with the base (row 0); a stress that fails to
/// compile or run is reported with its error instead of stopping the others.
Comparison run_stress_tests(const Scenario& base, const std::vector<StressCase>& stresses, const CompareOptions& options);

}  // namespace amorce
