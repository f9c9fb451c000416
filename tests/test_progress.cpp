// Progress reports from a run: increasing fractions ending at 1, from the calling thread, and an
// exception thrown by the callback (an interrupt) stops the run on every thread.
#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "lapicque/analysis.hpp"
#include "test_support.hpp"

namespace lapicque {
namespace {

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

TEST(Progress, FractionsIncreaseToOneOnTheCallingThread) {
  const auto e =
      testing::experiment("adex", {}, {testing::constant_input(500)}, 0.1, 2000, Method::euler, {});
  std::vector<double> seen;
  const auto caller = std::this_thread::get_id();
  bool same_thread = true;
  const std::vector<double> currents(2000, 400.0);  // enough work for several threads
  run(e, currents.size(), currents, [&](double fraction) {
    seen.push_back(fraction);
    same_thread = same_thread && std::this_thread::get_id() == caller;
  });
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen.front(), 0.0);
  EXPECT_EQ(seen.back(), 1.0);
  for (std::size_t k = 1; k < seen.size(); ++k) EXPECT_GE(seen[k], seen[k - 1]);
  EXPECT_TRUE(same_thread);
}

TEST(Progress, AnExceptionFromTheCallbackStopsTheRun) {
  const auto e =
      testing::experiment("adex", {}, {testing::constant_input(500)}, 0.1, 2000, Method::euler, {});
  const std::vector<double> currents(2000, 400.0);
  int calls = 0;
  EXPECT_THROW(run(e, currents.size(), currents,
                   [&](double fraction) {
                     ++calls;
                     if (fraction > 0.2) throw Interrupted();
                   }),
               Interrupted);
  EXPECT_LT(calls, 1000);
}

TEST(Progress, FiCurvesReportToo) {
  auto e = testing::experiment("lif", {}, {}, 0.1, 500, Method::euler, {});
  int calls = 0;
  fi_curve(e, current_range(0, 1000, 10), 0, [&](double) { ++calls; });
  EXPECT_GE(calls, 2);
}

}  // namespace
}  // namespace lapicque
