// A progress bar on standard error for runs that take longer than a second: drawn only when
// standard error is a terminal (never in logs or pipes), redrawn at most ten times a second,
// erased when the run ends.
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace lapicque::app {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label)
      : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) != 0), start_(Clock::now()) {}
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar() {
    if (drawn_) std::fputs("\r\033[2K", stderr);
  }

  void operator()(double fraction) {
    if (!enabled_) return;
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    if (elapsed < 1.0 || (drawn_ && now - last_ < std::chrono::milliseconds(100))) return;
    last_ = now;
    drawn_ = true;
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width + 0.5);
    const double left = fraction > 0.01 ? elapsed * (1 - fraction) / fraction : 0;
    std::fputs(
        fmt::format("\r\033[2K{} [{}{}] {:3.0f}%  {:.0f} s, about {:.0f} s left", label_,
                    std::string(static_cast<std::size_t>(filled), '#'),
                    std::string(static_cast<std::size_t>(width - filled), '.'), 100 * fraction, elapsed, left)
            .c_str(),
        stderr);
    std::fflush(stderr);
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::string label_;
  bool enabled_, drawn_ = false;
  Clock::time_point start_, last_;
};

}  // namespace lapicque::app
