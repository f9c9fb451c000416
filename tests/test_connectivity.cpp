// Connection rules: exact where the rule fixes a number, and statistically right where it draws
// (chi-squared goodness of fit of the degree distributions against the binomial law, at fixed
// seeds and a significance of 0.001); autapses and multapses as asked; the same connections on
// any number of threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "lapicque/error.hpp"
#include "network/connectivity.hpp"

namespace lapicque::network {
namespace {

using lapicque::ConnectionRule;
using lapicque::Rule;

std::vector<std::size_t> in_degrees(const Connections& c, std::size_t n_target) {
  std::vector<std::size_t> d(n_target, 0);
  for (auto t : c.targets) ++d[t];
  return d;
}
std::vector<std::size_t> out_degrees(const Connections& c) {
  std::vector<std::size_t> d(c.offsets.size() - 1);
  for (std::size_t s = 0; s < d.size(); ++s) d[s] = c.out_degree(s);
  return d;
}

double binomial_pmf(std::size_t k, std::size_t n, double p) {
  return std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) + k * std::log(p) +
                  (n - k) * std::log1p(-p));
}

// Pearson's chi-squared statistic of observed degrees against Binomial(n, p), with neighbouring
// degrees pooled until each bin expects at least 5; returns (statistic, degrees of freedom).
std::pair<double, int> chi_squared(const std::vector<std::size_t>& degrees, std::size_t n, double p) {
  std::map<std::size_t, double> observed;
  for (auto d : degrees) observed[d] += 1;
  const double total = static_cast<double>(degrees.size());
  double statistic = 0, expected = 0, seen = 0;
  int bins = 0;
  for (std::size_t k = 0; k <= n; ++k) {
    expected += total * binomial_pmf(k, n, p);
    seen += observed.count(k) ? observed[k] : 0;
    if (expected >= 5 || k == n) {
      if (expected > 0) {
        statistic += (seen - expected) * (seen - expected) / expected;
        ++bins;
      }
      expected = seen = 0;
    }
  }
  return {statistic, bins - 1};
}

// The chi-squared quantile at 1 - 0.001 (Wilson and Hilferty's approximation).
double critical_value(int dof) {
  const double k = dof, z = 3.0902;
  return k * std::pow(1 - 2 / (9 * k) + z * std::sqrt(2 / (9 * k)), 3);
}

void expect_binomial(const std::vector<std::size_t>& degrees, std::size_t n, double p, const char* what) {
  const auto [statistic, dof] = chi_squared(degrees, n, p);
  ASSERT_GE(dof, 3) << what;
  EXPECT_LT(statistic, critical_value(dof)) << what << ": chi2 = " << statistic << " with " << dof << " dof";
}

TEST(Connectivity, PairwiseBernoulliDegreesAreBinomial) {
  const ConnectionRule rule{Rule::pairwise_bernoulli, 0.02};
  const auto c = connect(rule, 3200, 4000, false, 7, 1);
  expect_binomial(in_degrees(c, 4000), 3200, 0.02, "in-degrees");
  expect_binomial(out_degrees(c), 4000, 0.02, "out-degrees");
  const double mean = 0.02 * 3200 * 4000, sd = std::sqrt(mean * 0.98);
  EXPECT_NEAR(static_cast<double>(c.size()), mean, 4 * sd);
  for (std::size_t s = 0; s < 3200; ++s)  // sorted, no repeats
    EXPECT_TRUE(std::is_sorted(c.targets.begin() + c.offsets[s], c.targets.begin() + c.offsets[s + 1]));
}

TEST(Connectivity, PairwiseBernoulliWithoutAutapses) {
  const auto c = connect({Rule::pairwise_bernoulli, 0.5, 0, false}, 300, 300, true, 3, 2);
  for (std::size_t s = 0; s < 300; ++s)
    for (auto k = c.offsets[s]; k < c.offsets[s + 1]; ++k) ASSERT_NE(c.targets[k], s);
  expect_binomial(in_degrees(c, 300), 299, 0.5, "in-degrees without autapses");
  EXPECT_EQ(connect({Rule::pairwise_bernoulli, 1.0, 0, false}, 50, 50, true, 3, 2).size(), 50u * 49);
  EXPECT_EQ(connect({Rule::pairwise_bernoulli, 0.0}, 50, 50, true, 3, 2).size(), 0u);
}

TEST(Connectivity, FixedIndegreeIsExactAndSpreadsEvenly) {
  const std::uint64_t K = 100;
  for (bool multapses : {true, false}) {
    const auto c = connect({Rule::fixed_indegree, 0, K, false, multapses}, 2000, 2000, true, 11, 3);
    const auto in = in_degrees(c, 2000);
    EXPECT_TRUE(std::all_of(in.begin(), in.end(), [&](std::size_t d) { return d == K; }));
    // Each target draws from the 1999 others: a source is drawn by each of the 1999 other targets
    // with probability K / 1999, so out-degrees are Binomial(1999, K / 1999).
    expect_binomial(out_degrees(c), 1999, static_cast<double>(K) / 1999, "out-degrees");
    std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
    std::size_t repeats = 0;
    for (std::size_t s = 0; s < 2000; ++s)
      for (auto k = c.offsets[s]; k < c.offsets[s + 1]; ++k) {
        ASSERT_NE(c.targets[k], s) << "autapse";
        repeats += !pairs.insert({static_cast<std::uint32_t>(s), c.targets[k]}).second;
      }
    if (multapses) {
      EXPECT_GT(repeats, 0u);  // about K^2 / (2 N) = 2.5 per target
    } else {
      EXPECT_EQ(repeats, 0u);
    }
  }
}

TEST(Connectivity, FixedOutdegreeIsExactAndSpreadsEvenly) {
  const auto c = connect({Rule::fixed_outdegree, 0, 50, true, false}, 2000, 1000, false, 5, 4);
  const auto out = out_degrees(c);
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](std::size_t d) { return d == 50; }));
  expect_binomial(in_degrees(c, 1000), 2000, 50.0 / 1000, "in-degrees");
  for (std::size_t s = 0; s < 2000; ++s)
    EXPECT_EQ(std::adjacent_find(c.targets.begin() + c.offsets[s], c.targets.begin() + c.offsets[s + 1]),
              c.targets.begin() + c.offsets[s + 1]);
}

TEST(Connectivity, FixedTotalIsExact) {
  const auto c = connect({Rule::fixed_total, 0, 50000, true, false}, 500, 400, false, 9, 5);
  EXPECT_EQ(c.size(), 50000u);
  expect_binomial(out_degrees(c), 50000, 1.0 / 500, "out-degrees");
  expect_binomial(in_degrees(c, 400), 50000, 1.0 / 400, "in-degrees");
  std::set<std::pair<std::size_t, std::uint32_t>> pairs;
  for (std::size_t s = 0; s < 500; ++s)
    for (auto k = c.offsets[s]; k < c.offsets[s + 1]; ++k) pairs.insert({s, c.targets[k]});
  EXPECT_EQ(pairs.size(), 50000u);  // no multapses
}

// Nearly every pair (the path that walks the pairs): exactly `number`, none twice, no autapse,
// and each pair about as likely as the others.
TEST(Connectivity, FixedTotalOfNearlyEveryPair) {
  const std::size_t n = 40, pairs = n * (n - 1);
  std::vector<double> taken(n * n, 0.0);
  const int repeats = 200;
  for (int k = 0; k < repeats; ++k) {
    const auto c = connect({Rule::fixed_total, 0, pairs - 100, false, false}, n, n, true, 11, k);
    ASSERT_EQ(c.size(), pairs - 100);
    for (std::size_t s = 0; s < n; ++s)
      for (auto e = c.offsets[s]; e < c.offsets[s + 1]; ++e) {
        ASSERT_NE(c.targets[e], s);
        ASSERT_TRUE(e == c.offsets[s] || c.targets[e] > c.targets[e - 1]);
        taken[s * n + c.targets[e]] += 1;
      }
  }
  // Each pair is left out with probability 100 / pairs: over the repeats, the pairs left out
  // least and most often stay within the binomial's spread.
  const double p = 100.0 / static_cast<double>(pairs), mean = repeats * p,
               sd = std::sqrt(repeats * p * (1 - p));
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t t = 0; t < n; ++t)
      if (s != t) {
        EXPECT_NEAR(repeats - taken[s * n + t], mean, 6 * sd) << s << " -> " << t;
      }
}

TEST(Connectivity, AllToAllAndOneToOne) {
  EXPECT_EQ(connect({Rule::all_to_all}, 30, 40, false, 1, 1).size(), 1200u);
  EXPECT_EQ(connect({Rule::all_to_all, 0, 0, false}, 30, 30, true, 1, 1).size(), 870u);
  const auto c = connect({Rule::one_to_one}, 25, 25, false, 1, 1);
  for (std::size_t s = 0; s < 25; ++s) {
    ASSERT_EQ(c.out_degree(s), 1u);
    EXPECT_EQ(c.targets[c.offsets[s]], s);
  }
}

// Spike delivery relies on it (add_at.hpp: a repeated target follows its twin).
TEST(Connectivity, EveryRuleListsEachSourcesTargetsInIncreasingOrder) {
  ConnectionRule listed{Rule::from_file};
  listed.sources = {3, 0, 3, 1, 3, 0, 3};
  listed.targets = {9, 4, 2, 7, 9, 1, 0};
  const std::vector<ConnectionRule> rules{{Rule::all_to_all},
                                          {Rule::one_to_one},
                                          {Rule::pairwise_bernoulli, 0.3},
                                          {Rule::fixed_indegree, 0, 12, true, true},
                                          {Rule::fixed_outdegree, 0, 12, true, true},
                                          {Rule::fixed_total, 0, 300, true, true},
                                          listed};
  for (const auto& rule : rules) {
    const auto c = connect(rule, 10, 10, false, 5, 1);
    ASSERT_GT(c.size(), 0u) << rule_name(rule.rule);
    for (std::size_t s = 0; s < 10; ++s)
      EXPECT_TRUE(std::is_sorted(c.targets.begin() + static_cast<std::ptrdiff_t>(c.offsets[s]),
                                 c.targets.begin() + static_cast<std::ptrdiff_t>(c.offsets[s + 1])))
          << rule_name(rule.rule) << ", source " << s;
  }
}

TEST(Connectivity, TheSameOnAnyNumberOfThreads) {
  const std::vector<ConnectionRule> rules{{Rule::pairwise_bernoulli, 0.1},
                                          {Rule::fixed_indegree, 0, 40, false, false},
                                          {Rule::fixed_outdegree, 0, 40, true, true}};
  for (const auto& rule : rules) {
    std::vector<Connections> made;
    for (int threads : {1, 2, 4}) {
      omp_set_num_threads(threads);
      made.push_back(connect(rule, 700, 900, false, 42, 8));
    }
    omp_set_num_threads(omp_get_num_procs());
    for (std::size_t k = 1; k < made.size(); ++k) {
      EXPECT_EQ(made[k].offsets, made[0].offsets) << rule_name(rule.rule);
      EXPECT_EQ(made[k].targets, made[0].targets) << rule_name(rule.rule);
    }
    EXPECT_NE(connect(rule, 700, 900, false, 43, 8).targets, made[0].targets) << "another seed";
    EXPECT_NE(connect(rule, 700, 900, false, 42, 9).targets, made[0].targets) << "another projection";
  }
}

TEST(Connectivity, BadRulesAreRefusedWithWhatIsAllowed) {
  const auto refused = [](const ConnectionRule& r, std::size_t ns, std::size_t nt, bool same,
                          const char* key) {
    try {
      check_rule(r, ns, nt, same, "projection[0].");
    } catch (const ParameterError& e) {
      EXPECT_EQ(e.key(), std::string("projection[0].") + key) << e.what();
      return;
    }
    ADD_FAILURE() << "not refused: " << key;
  };
  refused({Rule::pairwise_bernoulli, 1.5}, 10, 10, false, "p");
  refused({Rule::pairwise_bernoulli, -0.1}, 10, 10, false, "p");
  refused({Rule::pairwise_bernoulli, NAN}, 10, 10, false, "p");
  refused({Rule::fixed_indegree, 0, 11, true, false}, 10, 10, false, "indegree");
  refused({Rule::fixed_indegree, 0, 10, false, false}, 10, 10, true, "indegree");  // 9 others only
  refused({Rule::fixed_outdegree, 0, 21, true, false}, 10, 20, false, "outdegree");
  refused({Rule::fixed_total, 0, 101, true, false}, 10, 10, false, "number");
  refused({Rule::one_to_one}, 10, 11, false, "rule");
  EXPECT_NO_THROW(check_rule({Rule::fixed_indegree, 0, 11, true, true}, 10, 10, false, ""));
  EXPECT_NO_THROW(check_rule({Rule::fixed_indegree, 0, 10, true, false}, 10, 10, false, ""));
}

}  // namespace
}  // namespace lapicque::network
