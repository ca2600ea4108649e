#include "amorce/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "amorce/dispatch.hpp"
#include "amorce/distributions.hpp"
#include "amorce/error.hpp"
#include "amorce/jit.hpp"
#include "amorce/random_streams.hpp"

namespace amorce {

std::string month_label(const Plan& plan, int m) {
  int idx = plan.start_year * 12 + (plan.start_month - 1) + m;
  return fmt::format("{:04d}-{:02d}", idx / 12, idx % 12 + 1);
}

void init_block(BlockState& st, const Plan& plan, std::size_t n, std::uint64_t first_path,
                std::uint64_t seed, bool base_case, const double* uniforms) {
  st.plan = &plan;
  st.n = n;
  st.first_path = first_path;
  st.seed = seed;
  st.base_case = base_case;
  st.uniforms = uniforms;
  st.rows_from_uniforms = nullptr;
  st.month = 0;
  st.slots.assign(static_cast<std::size_t>(plan.n_slots) * n, 0.0);
  st.slot_row.assign(static_cast<std::size_t>(plan.n_slots), -1);
  // every entry is written by run_month before anything reads it: no zeroing (it was a
  // memset of several MB per block)
  st.history.resize(plan.hist_slots.size() * static_cast<std::size_t>(plan.horizon) * n);
  std::size_t grows = 0;
  for (const Instr& in : plan.monthly_prog) grows += in.op == OpCode::grow;
  st.grow_rate.resize(grows * n);
  st.grow_pow.resize(grows * n);
  st.grow_year.assign(grows, -1);
}

namespace {

[[noreturn]] void domain_error(const BlockState& st, const Instr& in, std::size_t i, const std::string& what) {
  const Plan& p = *st.plan;
  std::string owner = in.owner >= 0 ? p.owners[in.owner] : "expression";
  std::string msg = fmt::format("{}{}: {} at month {} ({}), path {} (seed {})", p.file.empty() ? "" : p.file + ": ", owner, what, st.month,
                                month_label(p, st.month), st.first_path + i, st.seed);
  throw DomainError(msg, owner, st.month, static_cast<long long>(st.first_path + i));
}

LawParams params_at(const BlockState& st, const SampleSpec& s, std::size_t i, std::vector<double>& vbuf,
                    std::vector<double>& wbuf) {
  LawParams lp;
  lp.law = s.law;
  if (s.constant) {
    for (int k = 0; k < 3; ++k) lp.p[k] = s.const_params[k];
    lp.lo = s.const_lo;
    lp.hi = s.const_hi;
    lp.lambda = s.const_lambda;
    lp.values = s.const_values.empty() ? nullptr : s.const_values.data();
    lp.weights = s.const_weights.empty() ? nullptr : s.const_weights.data();
    lp.n_values = static_cast<int>(s.const_values.size());
    return lp;
  }
  for (std::size_t k = 0; k < s.params.size() && k < 3; ++k) lp.p[k] = st.slot(s.params[k])[i];
  if (s.lo >= 0) lp.lo = st.slot(s.lo)[i];
  if (s.hi >= 0) lp.hi = st.slot(s.hi)[i];
  if (s.lambda >= 0) lp.lambda = st.slot(s.lambda)[i];
  vbuf.resize(s.values.size());
  wbuf.resize(s.weights.size());
  for (std::size_t k = 0; k < s.values.size(); ++k) vbuf[k] = st.slot(s.values[k])[i];
  for (std::size_t k = 0; k < s.weights.size(); ++k) wbuf[k] = st.slot(s.weights[k])[i];
  lp.values = vbuf.empty() ? nullptr : vbuf.data();
  lp.weights = wbuf.empty() ? nullptr : wbuf.data();
  lp.n_values = static_cast<int>(vbuf.size());
  return lp;
}

void run_sample(BlockState& st, const Instr& in) {
  const Plan& p = *st.plan;
  const SampleSpec& s = p.samples[in.aux];
  double* d = st.slot(in.dst);
  const std::size_t n = st.n;
  std::vector<double>& vbuf = st.values_buf;
  std::vector<double>& wbuf = st.weights_buf;
  const bool from_uniforms = st.base_case && !s.each_month && st.rows_from_uniforms && st.uniforms &&
                             st.rows_from_uniforms[s.uniform_row];
  if (st.base_case && !from_uniforms) {
    for (std::size_t i = 0; i < n; ++i) {
      if (s.base >= 0) {
        d[i] = st.slot(s.base)[i];
        continue;
      }
      LawParams lp = params_at(st, s, i, vbuf, wbuf);
      if (!s.constant) {
        std::string err = check_params(lp);
        if (!err.empty()) domain_error(st, in, i, "invalid parameters (" + err + ")");
      }
      d[i] = base_value(lp);
    }
    return;
  }
  // uniforms: per-path rows prepared by the sampler, or a fresh stream draw each month
  std::vector<double>& u = st.scratch;
  u.resize(n);
  if (s.each_month) {
    for (std::size_t i = 0; i < n; ++i)
      u[i] = stream_uniform(st.seed, s.key, st.first_path + i, static_cast<std::uint32_t>(st.month));
  } else {
    const double* row = st.uniforms + static_cast<std::size_t>(s.uniform_row) * n;
    for (std::size_t i = 0; i < n; ++i) u[i] = row[i];
  }
  if (s.constant && s.fast) {
    s.fast->apply(u.data(), d, n);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    LawParams lp = params_at(st, s, i, vbuf, wbuf);
    if (!s.constant) {
      std::string err = check_params(lp);
      if (!err.empty()) domain_error(st, in, i, "invalid parameters (" + err + ")");
    }
    d[i] = quantile(lp, u[i]);
  }
}

/// out[i] = (1 + rate[i])^year. Rates rarely vary by path: the previous power is reused
/// while the rate repeats.
void year_powers(const double* rate, std::size_t n, int year, double* out) {
  double last_rate = 0, last_pow = 1;
  for (std::size_t i = 0; i < n; ++i) {
    if (rate[i] != last_rate) {
      last_rate = rate[i];
      last_pow = std::pow(1.0 + rate[i], year);
    }
    out[i] = last_pow;
  }
}

}  // namespace

namespace {

/// Instructions [begin, end) of `prog`. `monthly`: grow() instructions are cached across
/// months, the first one of the range being the monthly program's grow number `grow_index`.
AMORCE_HOT void run_range(BlockState& st, const std::vector<Instr>& prog, std::size_t begin, std::size_t end, bool monthly,
                          std::size_t grow_index) {
  const std::size_t n = st.n;
  const Plan& p = *st.plan;
  const double m = st.month;
  const int year = fiscal_year_of(p, st.month);
  const int calmonth = (p.start_month - 1 + st.month) % 12 + 1;
  for (std::size_t pc = begin; pc < end; ++pc) {
    const Instr& in = prog[pc];
    double* __restrict d = in.dst >= 0 ? st.slot(in.dst) : nullptr;
    const double* __restrict a = in.a >= 0 ? st.slot(in.a) : nullptr;
    const double* __restrict b = in.b >= 0 ? st.slot(in.b) : nullptr;
    const double* __restrict c = in.c >= 0 ? st.slot(in.c) : nullptr;
    switch (in.op) {
      case OpCode::constant:
        for (std::size_t i = 0; i < n; ++i) d[i] = in.k;
        break;
      case OpCode::copy:
        for (std::size_t i = 0; i < n; ++i) d[i] = a[i];
        break;
      case OpCode::add:
        for (std::size_t i = 0; i < n; ++i) d[i] = a[i] + b[i];
        break;
      case OpCode::sub:
        for (std::size_t i = 0; i < n; ++i) d[i] = a[i] - b[i];
        break;
      case OpCode::mul:
        for (std::size_t i = 0; i < n; ++i) d[i] = a[i] * b[i];
        break;
      case OpCode::div: {
        bool bad = false;
        for (std::size_t i = 0; i < n; ++i) {
          bad |= (b[i] == 0);
          d[i] = a[i] / b[i];
        }
        if (bad)
          for (std::size_t i = 0; i < n; ++i)
            if (b[i] == 0) domain_error(st, in, i, "division by zero");
        break;
      }
      case OpCode::pow:
        for (std::size_t i = 0; i < n; ++i) d[i] = std::pow(a[i], b[i]);
        break;
      case OpCode::neg:
        for (std::size_t i = 0; i < n; ++i) d[i] = -a[i];
        break;
      case OpCode::lt:
        for (std::size_t i = 0; i < n; ++i) d[i] = (a[i] != a[i] || b[i] != b[i]) ? a[i] + b[i] : (a[i] < b[i] ? 1.0 : 0.0);  // NaN = not applicable
        break;
      case OpCode::le:
        for (std::size_t i = 0; i < n; ++i) d[i] = (a[i] != a[i] || b[i] != b[i]) ? a[i] + b[i] : (a[i] <= b[i] ? 1.0 : 0.0);  // NaN = not applicable
        break;
      case OpCode::gt:
        for (std::size_t i = 0; i < n; ++i) d[i] = (a[i] != a[i] || b[i] != b[i]) ? a[i] + b[i] : (a[i] > b[i] ? 1.0 : 0.0);  // NaN = not applicable
        break;
      case OpCode::ge:
        for (std::size_t i = 0; i < n; ++i) d[i] = (a[i] != a[i] || b[i] != b[i]) ? a[i] + b[i] : (a[i] >= b[i] ? 1.0 : 0.0);  // NaN = not applicable
        break;
      case OpCode::eq:
        for (std::size_t i = 0; i < n; ++i) d[i] = (a[i] != a[i] || b[i] != b[i]) ? a[i] + b[i] : (a[i] == b[i] ? 1.0 : 0.0);  // NaN = not applicable
        break;
      case OpCode::ne:
        for (std::size_t i = 0; i < n; ++i) d[i] = (a[i] != a[i] || b[i] != b[i]) ? a[i] + b[i] : (a[i] != b[i] ? 1.0 : 0.0);  // NaN = not applicable
        break;
      case OpCode::land:
        for (std::size_t i = 0; i < n; ++i) d[i] = (a[i] != a[i] || b[i] != b[i]) ? a[i] + b[i] : ((a[i] != 0 && b[i] != 0) ? 1.0 : 0.0);  // NaN = not applicable
        break;
      case OpCode::lor:
        for (std::size_t i = 0; i < n; ++i) d[i] = (a[i] != a[i] || b[i] != b[i]) ? a[i] + b[i] : ((a[i] != 0 || b[i] != 0) ? 1.0 : 0.0);  // NaN = not applicable
        break;
      case OpCode::lnot:
        for (std::size_t i = 0; i < n; ++i) d[i] = a[i] != a[i] ? a[i] : (a[i] == 0 ? 1.0 : 0.0);
        break;
      case OpCode::select:
        for (std::size_t i = 0; i < n; ++i) d[i] = a[i] != 0 ? b[i] : c[i];
        break;
      case OpCode::min:
        for (std::size_t i = 0; i < n; ++i) d[i] = a[i] < b[i] ? a[i] : b[i];
        break;
      case OpCode::max:
        for (std::size_t i = 0; i < n; ++i) d[i] = a[i] > b[i] ? a[i] : b[i];
        break;
      case OpCode::clamp:
        for (std::size_t i = 0; i < n; ++i) d[i] = a[i] < b[i] ? b[i] : (a[i] > c[i] ? c[i] : a[i]);
        break;
      case OpCode::abs:
        for (std::size_t i = 0; i < n; ++i) d[i] = std::fabs(a[i]);
        break;
      case OpCode::floor:
        for (std::size_t i = 0; i < n; ++i) d[i] = std::floor(a[i]);
        break;
      case OpCode::ceil:
        for (std::size_t i = 0; i < n; ++i) d[i] = std::ceil(a[i]);
        break;
      case OpCode::round:
        for (std::size_t i = 0; i < n; ++i) d[i] = std::round(a[i]);
        break;
      case OpCode::exp:
        for (std::size_t i = 0; i < n; ++i) d[i] = std::exp(a[i]);
        break;
      case OpCode::log:
        for (std::size_t i = 0; i < n; ++i) {
          if (!(a[i] > 0)) domain_error(st, in, i, fmt::format("log of a non-positive number ({})", a[i]));
          d[i] = std::log(a[i]);
        }
        break;
      case OpCode::sqrt:
        for (std::size_t i = 0; i < n; ++i) {
          if (a[i] < 0) domain_error(st, in, i, fmt::format("square root of a negative number ({})", a[i]));
          d[i] = std::sqrt(a[i]);
        }
        break;
      case OpCode::sin:
        for (std::size_t i = 0; i < n; ++i) d[i] = std::sin(a[i]);
        break;
      case OpCode::cos:
        for (std::size_t i = 0; i < n; ++i) d[i] = std::cos(a[i]);
        break;
      case OpCode::month:
        for (std::size_t i = 0; i < n; ++i) d[i] = m;
        break;
      case OpCode::year:
        for (std::size_t i = 0; i < n; ++i) d[i] = year;
        break;
      case OpCode::calendar_month:
        for (std::size_t i = 0; i < n; ++i) d[i] = calmonth;
        break;
      case OpCode::ramp:
        // clamp((m - from + 1) / n, 0, 1); a ramp of n <= 0 months is a step at `from`
        for (std::size_t i = 0; i < n; ++i) {
          double v = b[i] > 0 ? (m - a[i] + 1) / b[i] : (m >= a[i] ? 1.0 : 0.0);
          d[i] = v < 0 ? 0 : (v > 1 ? 1 : v);
        }
        break;
      case OpCode::scurve:
        for (std::size_t i = 0; i < n; ++i)
          d[i] = b[i] > 0 ? 1.0 / (1.0 + std::exp(-(m - a[i]) / b[i])) : (m >= a[i] ? 1.0 : 0.0);
        break;
      case OpCode::between:
        for (std::size_t i = 0; i < n; ++i) d[i] = (a[i] <= m && m < b[i]) ? 1.0 : 0.0;
        break;
      case OpCode::season: {
        const auto& t = p.season_tables[in.aux];
        double f = t[calmonth - 1];
        for (std::size_t i = 0; i < n; ++i) d[i] = f;
        break;
      }
      case OpCode::grow: {
        const std::size_t j = grow_index++;
        if (year == 0) {
          for (std::size_t i = 0; i < n; ++i) d[i] = 1.0;
        } else if (!monthly) {
          year_powers(a, n, year, d);
        } else {
          // cached per path: recomputed for all paths when the year changes, then only
          // for the paths whose rate changed since last month
          double* __restrict rate = st.grow_rate.data() + j * n;
          double* __restrict pw = st.grow_pow.data() + j * n;
          if (st.grow_year[j] != year) {
            st.grow_year[j] = year;
            year_powers(a, n, year, pw);
            std::copy_n(a, n, rate);
          } else {
            for (std::size_t i = 0; i < n; ++i) {
              if (a[i] != rate[i]) {
                rate[i] = a[i];
                pw[i] = std::pow(1.0 + a[i], year);
              }
            }
          }
          std::copy_n(pw, n, d);
        }
        break;
      }
      case OpCode::lag: {
        int src = st.month - static_cast<int>(in.k);
        if (src < 0) {
          for (std::size_t i = 0; i < n; ++i) d[i] = 0;
        } else {
          const double* h = st.hist(in.aux, src);
          for (std::size_t i = 0; i < n; ++i) d[i] = h[i];
        }
        break;
      }
      case OpCode::cumsum:
        for (std::size_t i = 0; i < n; ++i) d[i] += a[i];
        break;
      case OpCode::gate:
        for (std::size_t i = 0; i < n; ++i) d[i] = (m >= b[i] && m < c[i]) ? a[i] : 0.0;
        break;
      case OpCode::sample:
        run_sample(st, in);
        break;
      case OpCode::check_finite: {
        // branch-free scan (false for NaN, +-inf and values beyond Limits::max_abs_value, so no
        // sum of a run can overflow), then find the culprit
        constexpr double lim = Limits::max_abs_value;
        bool ok = true;
        for (std::size_t i = 0; i < n; ++i) ok &= (a[i] < lim) & (a[i] > -lim);
        if (!ok)
          for (std::size_t i = 0; i < n; ++i) {
            if (!std::isfinite(a[i])) domain_error(st, in, i, fmt::format("the value is {}", a[i]));
            if (!(std::fabs(a[i]) < lim))
              domain_error(st, in, i, fmt::format("the value {:g} is beyond what amorce accepts (|x| < 1e12)", a[i]));
          }
        break;
      }
      case OpCode::granted: {
        // decided once per path: granted with probability g (base case: g >= 0.5)
        auto key = static_cast<std::uint64_t>(in.k);
        for (std::size_t i = 0; i < n; ++i) {
          double g = a[i];
          if (g < 0 || g > 1) domain_error(st, in, i, fmt::format("granted must be a probability between 0 and 1, got {}", g));
          if (st.base_case)
            d[i] = g >= 0.5 ? 1.0 : 0.0;
          else
            d[i] = (g >= 1 || stream_uniform(st.seed, key, st.first_path + i, kStatic) < g) ? 1.0 : 0.0;
        }
        break;
      }
    }
  }
}

}  // namespace

void run_program(BlockState& st, const std::vector<Instr>& prog, std::size_t begin, std::size_t end) {
  // only the monthly program runs every instruction once a month, in order: its grow()
  // instructions can be numbered and cached across months
  const bool monthly = &prog == &st.plan->monthly_prog && begin == 0 && st.grow_year.size() > 0;
  run_range(st, prog, begin, end, monthly, 0);
}

void run_monthly_range(BlockState& st, std::size_t begin, std::size_t end, std::size_t grow_index) {
  run_range(st, st.plan->monthly_prog, begin, end, st.grow_year.size() > 0, grow_index);
}

void run_static(BlockState& st) {
  st.month = 0;
  run_program(st, st.plan->static_prog, 0, st.plan->static_prog.size());
}

void run_month(BlockState& st, int m) {
  st.month = m;
  const Plan& p = *st.plan;
  const bool direct = p.hist_direct.size() == p.hist_slots.size();
  // a pruned Plan records only the live history entries (nothing reads the others)
  for (std::size_t h = 0; direct && h < p.hist_slots.size(); ++h)
    if (p.hist_direct[h] && p.live.history(h))
      st.slot_row[static_cast<std::size_t>(p.hist_slots[h])] = static_cast<int>(h) * p.horizon + m;
  if (st.jit)
    jit_run_monthly(*st.jit, st);
  else
    run_program(st, p.monthly_prog, 0, p.monthly_prog.size());
  for (std::size_t h = 0; h < p.hist_slots.size(); ++h) {
    if (!p.live.history(h)) continue;
    const int slot = p.hist_slots[h];
    const bool in_place = direct && p.hist_direct[h];
    if (in_place && m + 1 < p.horizon) continue;  // written in place; next month moves it on
    const double* s = st.slot(slot);
    if (in_place) {
      // after the last month the slot goes back to its own storage, holding the last
      // month's value as it always did (the ledger's programs read and reuse slots)
      st.slot_row[static_cast<std::size_t>(slot)] = -1;
      std::copy_n(s, st.n, st.slot(slot));
      continue;
    }
    double* out = st.history.data() + (h * p.horizon + m) * st.n;
    for (std::size_t i = 0; i < st.n; ++i) out[i] = s[i];
  }
}

}  // namespace amorce
