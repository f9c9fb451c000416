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
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string nearest_name(std::string_view name, const std::vector<std::string_view>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
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
