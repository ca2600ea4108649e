// The engine's first invariant (spec section 5): the balance sheet balances to the cent on
// every path and at every fiscal-year end. Property test over randomly generated scenarios
// that exercise every item type and timing rule; the generator is a std::mt19937_64 seeded
// with kSeed, so a failure is reproducible (the failing YAML is printed).
//
// For each scenario: the base case, and a Monte Carlo block of 64 paths simulated with the
// lower-level API (fill_uniforms + init_block + simulate_block). Checked on every path:
//   total assets = total liabilities (|difference| < 0.005 €) at every fiscal-year end
//   (and, as the stocks are kept monthly, at every month), and
//   cash(m) = opening cash + Σ_{t<=m} (cash_in − cash_out), with cash_in / cash_out the sums
//   of their categories.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "amorce/base_case.hpp"
#include "amorce/cash_plan.hpp"
#include "amorce/compile.hpp"
#include "amorce/error.hpp"
#include "amorce/evaluate.hpp"
#include "amorce/ledger.hpp"
#include "amorce/load.hpp"
#include "amorce/random_streams.hpp"
#include "amorce/results.hpp"
#include "amorce/run.hpp"

namespace {

using namespace amorce;

constexpr std::uint64_t kSeed = 20270101;  // generator seed of the property test
constexpr int kScenarios = 1000;
constexpr std::size_t kPaths = 64;
constexpr double kCent = 0.005;

struct Coverage {
  int vat[3] = {0, 0, 0};
  int loan_types[3] = {0, 0, 0};
  int deferred_loans = 0;
  int periods[3] = {0, 0, 0};
  int payments_after_horizon = 0;
  int grants_amount = 0, grants_share = 0;
  int staff_raise = 0, windows = 0, payroll = 0, corporate = 0, equity = 0, granted = 0, in_kind = 0;
  int paid_after = 0, fys_not_jan = 0;
  int vat_refund[4] = {0, 0, 0, 0};  // default, period, year, none
  int refund_delay = 0, instalments_off = 0, instalment_threshold = 0, payroll_with_vat = 0;
  int vat_refunded = 0, tax_prepaid = 0, tax_refunded = 0;  // scenarios where it happened
};

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  int uni(int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng_); }
  double real(double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng_); }
  bool coin(double p = 0.5) { return std::bernoulli_distribution(p)(rng_); }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(uni(0, static_cast<int>(v.size()) - 1))]; }
  std::string num(double lo, double hi) {  // a literal with two decimals
    std::ostringstream os;
    os << std::round(real(lo, hi) * 100) / 100;
    return os.str();
  }

  struct Out {
    std::string yaml;
    double opening = 0;
    int horizon = 0;
  };

  Out scenario(Coverage& cov) {
    std::ostringstream y;
    Out out;
    const int H = uni(1, 120);
    out.horizon = H;
    const int start_month = uni(1, 12), fys = uni(1, 12);
    cov.fys_not_jan += fys != 1;
    y << "amorce: 1\nname: random\nstart: 2027-" << (start_month < 10 ? "0" : "") << start_month << "\n";
    y << "horizon: " << H << "\nfiscal_year_start: " << fys << "\n";
    const int regime = uni(0, 2);
    cov.vat[regime]++;
    static const std::vector<std::string> regimes = {"none", "monthly", "quarterly"};
    y << "vat: {regime: " << regimes[regime] << ", default_rate: " << pick<std::string>({"0.2", "0.1", "0.055"});
    const int refund = uni(0, 3);
    cov.vat_refund[refund]++;
    static const std::vector<std::string> refunds = {"", "period", "year", "none"};
    if (refund) y << ", refund: " << refunds[refund];
    if (coin(0.4)) {
      cov.refund_delay++;
      y << ", refund_delay: " << pick<std::string>({"1", "3", "1 + delay"});
    }
    if (coin(0.3)) y << ", refund_min: " << pick<std::string>({"0", "150", "2000"});
    if (coin(0.3)) y << ", refund_min_year: " << pick<std::string>({"0", "500"});
    y << "}\n";
    y << "inputs:\n"
         "  price: {triangular: [8, 12, 20]}\n"
         "  vol: {normal: {mean: 100, sd: 30}, min: 0}\n"
         "  delay: {uniform: [0, 8]}\n"
         "  ok: {bernoulli: 0.6}\n"
         "  noise: {uniform: [0.7, 1.3], each: month}\n"
         "  rate_in: {pert: [0.01, 0.03, 0.07]}\n"
         "  life_in: {discrete: {values: [12, 24, 60], weights: [1, 2, 1]}}\n"
         "  amt_in: {lognormal: {mean: 5000, sd: 2000}}\n"
         "  g_in: {uniform: [0.2, 0.9]}\n";
    y << "series:\n"
         "  demand: vol * ramp(2, 6) * noise\n"
         "  members: lag(members, 1) * 0.95 + 10\n";
    auto window = [&](int lo_max) {
      std::string s;
      if (coin(0.35)) {
        cov.windows++;
        int from = uni(0, std::max(0, std::min(lo_max, H - 1)));
        s += ", from: " + std::to_string(from);
        if (coin()) s += ", until: " + std::to_string(from + uni(1, 60));
      }
      return s;
    };
    auto paid_after = [&]() -> std::string {
      int k = uni(0, 3);
      if (k == 0) return "";
      cov.paid_after++;
      if (k == 1) return ", paid_after: delay";
      return ", paid_after: " + std::to_string(uni(0, 6));
    };
    auto vat_rate = [&]() -> std::string {
      if (coin(0.5)) return "";
      return ", vat_rate: " + pick<std::string>({"0", "0.055", "0.1", "0.2"});
    };
    // revenue
    const int n_rev = uni(0, 3);
    std::vector<std::string> rev_names;
    if (n_rev) y << "revenue:\n";
    for (int k = 0; k < n_rev; ++k) {
      std::string name = "r" + std::to_string(k);
      rev_names.push_back(name);
      std::string amount = pick<std::string>({"price * demand", "1000 * season(1, 1, 1.2, 1, 0.8, 0.5, 0.3, 0.6, 1, 1.1, 1.2, 1.5)",
                                              num(100, 9000), "30 * members", "amt_in * grow(0.03)"});
      y << "  " << name << ": {amount: \"" << amount << "\"" << paid_after() << vat_rate() << window(H)
        << ", kind: " << pick<std::string>({"sales", "services", "other"}) << "}\n";
    }
    // costs
    const int n_cost = uni(0, 3);
    if (n_cost) y << "costs:\n";
    for (int k = 0; k < n_cost; ++k) {
      std::string amount = !rev_names.empty() && coin() ? "0.3 * " + pick(rev_names) : num(50, 6000);
      y << "  c" << k << ": {amount: \"" << amount << "\"" << paid_after() << vat_rate() << window(H)
        << ", behaviour: " << pick<std::string>({"variable", "fixed"}) << "}\n";
    }
    // staff
    const int n_staff = uni(0, 3);
    if (n_staff) y << "staff:\n";
    for (int k = 0; k < n_staff; ++k) {
      y << "  - {name: s" << k << ", role: job" << k << ", fte: " << pick<std::string>({"1", "0.5", "2.5", "10"})
        << ", gross_monthly: " << num(1000, 3500) << ", employer_rate: " << num(0.05, 0.45);
      if (coin()) {
        cov.staff_raise++;
        y << ", raise: " << pick<std::string>({"0.02", "0.05", "rate_in"});
      }
      y << window(H) << "}\n";
    }
    // subsidies
    const int n_sub = uni(0, 4);
    if (n_sub) y << "subsidies:\n";
    auto payments = [&](bool allow_input) {
      static const std::vector<std::vector<std::string>> share_sets = {
          {"1"}, {"0.5", "0.5"}, {"0.3", "0.7"}, {"0.25", "0.25", "0.5"}};
      const auto& shares = pick(share_sets);
      std::string s = "[";
      for (std::size_t q = 0; q < shares.size(); ++q) {
        int off = uni(-3, 40);
        cov.payments_after_horizon += off > H;
        std::string at = std::string(coin() ? "start" : "end") + (off >= 0 ? " + " : " - ") + std::to_string(std::abs(off));
        if (allow_input && coin(0.2)) at = "end + delay";
        if (coin(0.1)) at = "end + " + std::to_string(off) + ".4";
        s += (q ? ", " : "") + std::string("{share: ") + shares[q] + ", at: " + at + "}";
      }
      return s + "]";
    };
    auto granted = [&]() -> std::string {
      int k = uni(0, 4);
      if (k == 0) return "";
      cov.granted++;
      if (k == 1) return ", granted: 0.3";
      if (k == 2) return ", granted: 0.75";
      if (k == 3) return ", granted: ok";
      return ", granted: g_in";
    };
    for (int k = 0; k < n_sub; ++k) {
      int period = uni(0, 2);
      cov.periods[period]++;
      static const std::vector<std::string> periods = {"year", "once", "month"};
      std::string amount = period == 2 ? num(100, 2000) : pick<std::string>({num(2000, 60000), "amt_in * 3"});
      y << "  - {name: g" << k << ", amount: " << amount << ", period: " << periods[period] << window(H)
        << granted() << ", kind: " << pick<std::string>({"operating", "job"});
      if (coin(0.8)) y << ", payments: " << payments(true);
      y << "}\n";
    }
    // investments
    const int n_inv = uni(0, 3);
    if (n_inv) y << "investments:\n";
    for (int k = 0; k < n_inv; ++k) {
      y << "  - {name: i" << k << ", amount: " << num(500, 80000) << ", month: " << uni(0, H - 1)
        << ", life: " << (coin(0.2) ? std::string("life_in") : std::to_string(uni(1, 120))) << vat_rate();
      if (coin(0.6)) {
        y << ", grant: {";
        if (coin()) {
          cov.grants_amount++;
          y << "amount: " << num(100, 20000);
        } else {
          cov.grants_share++;
          y << "share: " << pick<std::string>({"0.3", "0.5", "0.8", "g_in"});
        }
        y << granted();
        if (coin(0.8)) y << ", payments: " << payments(false);
        y << "}";
      }
      y << "}\n";
    }
    // financing
    out.opening = std::round(real(0, 50000));
    y << "financing:\n  opening_cash: " << out.opening << "\n";
    if (coin(0.4)) {
      y << "  equity:\n";
      for (int k = uni(1, 2); k > 0; --k) {
        cov.equity++;
        y << "    - {amount: " << num(1000, 30000) << ", month: " << uni(0, H - 1) << "}\n";
      }
    }
    const int n_loans = uni(0, 3);
    if (n_loans) y << "  loans:\n";
    for (int k = 0; k < n_loans; ++k) {
      int type = uni(0, 2);
      cov.loan_types[type]++;
      static const std::vector<std::string> types = {"annuity", "linear", "bullet"};
      int term = uni(1, 120), deferral = coin() ? uni(0, term - 1) : 0;
      cov.deferred_loans += deferral > 0;
      y << "    - {name: l" << k << ", principal: " << num(1000, 100000) << ", month: " << uni(0, H - 1)
        << ", rate: " << pick<std::string>({"0", "0.03", "0.045", "rate_in"}) << ", term: " << term
        << ", deferral: " << deferral << ", type: " << types[type] << "}\n";
    }
    // taxes
    bool payroll = coin(0.5), corporate = coin(0.5);
    if (payroll || corporate) y << "taxes:\n";
    if (payroll) {
      cov.payroll++;
      cov.payroll_with_vat += regime != 0;
      y << "  payroll_tax: {brackets: [[9_147, 0.0425], [18_259, 0.085], [null, 0.136]], allowance: "
        << pick<std::string>({"24_041", "0", "5000"}) << "}\n";
    }
    if (corporate) {
      cov.corporate++;
      y << "  corporate_tax: {rate: " << pick<std::string>({"0.15", "0.25", "rate_in * 5"});
      if (coin(0.2)) {
        cov.instalments_off++;
        y << ", instalments: false";
      } else if (coin(0.4)) {
        cov.instalment_threshold++;
        y << ", instalment_threshold: " << pick<std::string>({"0", "500", "3_000"});
      }
      y << "}\n";
    }
    if (coin(0.3)) {
      cov.in_kind++;
      y << "in_kind:\n  - {name: volunteers, amount: " << num(100, 2000) << window(H) << "}\n";
    }
    out.yaml = y.str();
    return out;
  }

 private:
  std::mt19937_64 rng_;
};

/// Largest |assets − liabilities| over every path and month of a ledger, and the same for the
/// cash recursion. Also checks that cash_in / cash_out are the sums of their categories.
struct Deviation {
  double balance = 0, balance_year_end = 0, cash = 0, categories = 0;
  int worst_month = -1;
  bool vat_refunded = false, tax_prepaid = false, tax_refunded = false;  // seen on some path
};

Deviation check_ledger(const Ledger& L, const std::vector<FiscalYear>& years, const std::vector<double>& opening) {
  Deviation d;
  std::vector<char> year_end(static_cast<std::size_t>(L.horizon), 0);
  for (const auto& fy : years) year_end[static_cast<std::size_t>(fy.last)] = 1;
  for (std::size_t i = 0; i < L.n; ++i) {
    double cash = opening[i];
    for (int m = 0; m < L.horizon; ++m) {
      auto v = [&](Line l) { return L.at(l, m, i); };
      double assets = v(Line::fixed_assets) + v(Line::receivables_customers) + v(Line::receivables_subsidies) +
                      v(Line::receivables_investment_grants) + v(Line::receivables_vat) +
                      v(Line::receivables_taxes) + v(Line::cash);
      double liabilities = v(Line::equity) + v(Line::retained_results) + v(Line::grants_unreleased) +
                           v(Line::loans_outstanding) + v(Line::payables_suppliers) + v(Line::payables_social) +
                           v(Line::payables_taxes) + v(Line::payables_vat) + v(Line::deferred_income) +
                           v(Line::advances_investment_grants);
      double diff = std::fabs(assets - liabilities);
      if (!(diff <= d.balance)) {  // also catches NaN
        d.balance = std::isnan(diff) ? INFINITY : diff;
        d.worst_month = m;
      }
      if (year_end[static_cast<std::size_t>(m)] && !(diff <= d.balance_year_end))
        d.balance_year_end = std::isnan(diff) ? INFINITY : diff;
      double in = v(Line::cash_revenue) + v(Line::cash_subsidies) + v(Line::cash_investment_grants) +
                  v(Line::cash_equity) + v(Line::cash_loans) + v(Line::cash_vat_refund) +
                  v(Line::cash_corporate_tax_refund);
      double out = v(Line::cash_suppliers) + v(Line::cash_wages) + v(Line::cash_social_charges) +
                   v(Line::cash_investments) + v(Line::cash_interest) + v(Line::cash_principal) + v(Line::cash_vat) +
                   v(Line::cash_payroll_tax) + v(Line::cash_corporate_tax);
      d.categories = std::max({d.categories, std::fabs(in - v(Line::cash_in)), std::fabs(out - v(Line::cash_out))});
      d.vat_refunded |= v(Line::cash_vat_refund) > 0;
      d.tax_prepaid |= v(Line::receivables_taxes) > 0;
      d.tax_refunded |= v(Line::cash_corporate_tax_refund) > 0;
      cash += v(Line::cash_in) - v(Line::cash_out);
      double cd = std::fabs(cash - v(Line::cash));
      if (!(cd <= d.cash)) d.cash = std::isnan(cd) ? INFINITY : cd;
    }
  }
  return d;
}

/// The French presentation of the base case (gross grant positions, overdraft on the
/// liabilities side, CAF shortfall among the needs) still balances at every fiscal-year end,
/// and the financing plan's resources - needs is the year's change in cash.
void check_presentation(const BaseCase& bc) {
  // the line-by-line cash plan adds up to the ledger's cash_in / cash_out every month
  CashPlan cp = cash_plan(bc);
  for (int m = 0; m < bc.ledger.horizon; ++m) {
    double in = 0, out = 0;
    for (const auto& r : cp.receipts) in += r.months[static_cast<std::size_t>(m)];
    for (const auto& r : cp.payments) out += r.months[static_cast<std::size_t>(m)];
    ASSERT_NEAR(in, bc.ledger.at(Line::cash_in, m, 0), kCent) << "cash plan receipts, month " << m;
    ASSERT_NEAR(out, bc.ledger.at(Line::cash_out, m, 0), kCent) << "cash plan payments, month " << m;
  }
  for (int y = 0; y < static_cast<int>(bc.years.size()); ++y) {
    SCOPED_TRACE("fiscal year " + std::to_string(y));
    nlohmann::json bs = balance_sheet_json(bc, y);
    for (const char* side : {"assets", "liabilities"})
      for (auto& [k, v] : bs[side].items()) {
        if (k == "retained_results") continue;  // accumulated losses are negative
        ASSERT_GE(v.get<double>(), -kCent) << side << "." << k << " is negative";
      }
    ASSERT_NEAR(bs["total_assets"].get<double>(), bs["total_liabilities"].get<double>(), kCent);
    ASSERT_NEAR(bs["fonds_de_roulement"].get<double>() - bs["bfr"].get<double>(), bs["net_cash"].get<double>(), kCent);
    // the soldes intermédiaires de gestion end on the ledger's net result
    double net = 0;
    for (int m = bc.years[y].first; m <= bc.years[y].last; ++m) net += bc.ledger.at(Line::net_result, m, 0);
    ASSERT_NEAR(sig_json(bc, y)["net_result"].get<double>(), net, kCent);
    nlohmann::json fp = financing_plan_json(bc, y);
    ASSERT_GE(fp["resources"]["caf"].get<double>(), 0.0);
    ASSERT_GE(fp["needs"]["caf_shortfall"].get<double>(), 0.0);
    ASSERT_NEAR(fp["resources"]["total"].get<double>() - fp["needs"]["total"].get<double>(),
                fp["cash_end"].get<double>() - fp["cash_start"].get<double>(), kCent);
  }
}

TEST(Identity, BalanceSheetBalancesOnRandomScenarios) {
  Gen gen(kSeed);
  Coverage cov;
  int mc_hooked = 0;
  for (int s = 0; s < kScenarios; ++s) {
    Gen::Out sc = gen.scenario(cov);
    SCOPED_TRACE("scenario #" + std::to_string(s) + " (generator seed " + std::to_string(kSeed) + "):\n" + sc.yaml);
    std::unique_ptr<Plan> plan;
    try {
      plan = std::make_unique<Plan>(compile(load_scenario_text(sc.yaml, "random.yaml")));
    } catch (const ScenarioError& e) {
      std::string msg = e.what();
      for (const auto& d : e.diagnostics()) msg += "\n  " + format_pos(d.pos) + d.message;
      FAIL() << "generated scenario rejected: " << msg;
    }
    const auto years = fiscal_years(*plan);
    // base case
    try {
      BaseCase bc = run_base_case(*plan);
      Deviation d = check_ledger(bc.ledger, years, std::vector<double>(1, sc.opening));
      ASSERT_LT(d.balance_year_end, kCent) << "base case, year end";
      ASSERT_LT(d.balance, kCent) << "base case, month " << d.worst_month;
      ASSERT_LT(d.cash, kCent) << "base case cash recursion";
      ASSERT_LT(d.categories, kCent) << "base case cash categories";
      check_presentation(bc);
    } catch (const DomainError& e) {
      FAIL() << "base case DomainError: " << e.what();
    }
    // Monte Carlo block of 64 paths (plain Monte Carlo uniforms)
    const std::uint64_t seed = 1000 + static_cast<std::uint64_t>(s);
    std::vector<double> U(plan->uniform_keys.size() * kPaths);
    if (!plan->uniform_keys.empty()) fill_uniforms(Sampling::mc, seed, kPaths, plan->uniform_keys, 0, kPaths, U.data());
    BlockState st;
    Ledger L;
    try {
      init_block(st, *plan, kPaths, 0, seed, false, U.data());
      simulate_block(st, L);
    } catch (const DomainError& e) {
      FAIL() << "Monte Carlo DomainError: " << e.what();
    }
    Deviation d = check_ledger(L, years, std::vector<double>(kPaths, sc.opening));
    ASSERT_LT(d.balance_year_end, kCent) << "Monte Carlo, year end";
    ASSERT_LT(d.balance, kCent) << "Monte Carlo, month " << d.worst_month;
    ASSERT_LT(d.cash, kCent) << "Monte Carlo cash recursion";
    ASSERT_LT(d.categories, kCent) << "Monte Carlo cash categories";
    cov.vat_refunded += d.vat_refunded;
    cov.tax_prepaid += d.tax_prepaid;
    cov.tax_refunded += d.tax_refunded;

    // Every 10th scenario also goes through run_monte_carlo (statistics kept), checking the
    // ledgers it hands to block_hook.
    if (s % 10 == 0) {
      RunOptions opt;
      opt.paths = static_cast<long long>(kPaths);
      opt.seed = seed;
      opt.threads = 1;
      opt.sampling = Sampling::mc;
      std::mutex mu;
      Deviation worst;
      opt.block_hook = [&](const BlockState& bst, const Ledger& led, const PathResults&, std::uint64_t) {
        Deviation dd = check_ledger(led, years, std::vector<double>(bst.n, sc.opening));
        std::lock_guard<std::mutex> lock(mu);
        worst.balance = std::max(worst.balance, dd.balance);
        worst.cash = std::max(worst.cash, dd.cash);
      };
      RunResult r = run_monte_carlo(*plan, opt);
      ASSERT_EQ(r.paths(), static_cast<long long>(kPaths));
      ASSERT_LT(worst.balance, kCent) << "run_monte_carlo ledger";
      ASSERT_LT(worst.cash, kCent) << "run_monte_carlo cash";
      ++mc_hooked;
    }
  }
  // the generator did exercise every feature
  for (int k = 0; k < 3; ++k) {
    EXPECT_GT(cov.vat[k], 50) << k;
    EXPECT_GT(cov.loan_types[k], 50) << k;
    EXPECT_GT(cov.periods[k], 50) << k;
  }
  EXPECT_GT(cov.deferred_loans, 50);
  EXPECT_GT(cov.payments_after_horizon, 50);
  EXPECT_GT(cov.grants_amount, 50);
  EXPECT_GT(cov.grants_share, 50);
  EXPECT_GT(cov.staff_raise, 50);
  EXPECT_GT(cov.windows, 50);
  EXPECT_GT(cov.payroll, 50);
  EXPECT_GT(cov.corporate, 50);
  EXPECT_GT(cov.equity, 50);
  EXPECT_GT(cov.granted, 50);
  EXPECT_GT(cov.in_kind, 50);
  EXPECT_GT(cov.paid_after, 50);
  EXPECT_GT(cov.fys_not_jan, 50);
  for (int k = 0; k < 4; ++k) EXPECT_GT(cov.vat_refund[k], 50) << k;
  EXPECT_GT(cov.refund_delay, 50);
  EXPECT_GT(cov.instalments_off, 50);
  EXPECT_GT(cov.instalment_threshold, 50);
  EXPECT_GT(cov.payroll_with_vat, 50);
  EXPECT_GT(cov.vat_refunded, 50);
  EXPECT_GT(cov.tax_prepaid, 50);
  EXPECT_GT(cov.tax_refunded, 20);
  EXPECT_EQ(mc_hooked, kScenarios / 10);
}

}  // namespace
