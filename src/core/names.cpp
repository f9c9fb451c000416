// Small helpers on names and numbers used in messages and output.
#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "lapicque/method.hpp"
#include "lapicque/parameters.hpp"

namespace lapicque {

namespace {
// Edit distance counting insertions, deletions, substitutions and transpositions of neighbours
// (optimal string alignment), ignoring case.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const auto same = [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  };
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
      if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}
}  // namespace

std::string nearest_name(std::string_view name, const std::vector<std::string_view>& candidates) {
  std::string best;
  // Close enough to be a typo: one edit in a short name, a quarter of the letters in a long one.
  std::size_t best_distance = std::max<std::size_t>(1, (name.size() + 2) / 4) + 1;
  for (auto candidate : candidates) {
    const std::size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string unknown_name_hint(std::string_view name, const std::vector<std::string_view>& candidates) {
  const std::string nearest = nearest_name(name, candidates);
  if (!nearest.empty()) return "did you mean `" + nearest + "`?";
  std::string all;
  for (auto candidate : candidates) all += (all.empty() ? "" : ", ") + std::string(candidate);
  return "allowed: " + all;
}

std::string format_double(double value) {
  std::array<char, 64> buffer;
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return {buffer.data(), result.ptr};
}

namespace {
constexpr std::array<std::pair<Method, std::string_view>, 4> method_names{{{Method::euler, "euler"},
                                                                           {Method::exact, "exact"},
                                                                           {Method::rk4, "rk4"},
                                                                           {Method::adaptive, "adaptive"}}};
}

std::string_view method_name(Method method) {
  for (auto [m, name] : method_names)
    if (m == method) return name;
  return "?";
}

std::optional<Method> parse_method(std::string_view name) {
  for (auto [m, text] : method_names)
    if (text == name) return m;
  return std::nullopt;
}

}  // namespace lapicque
