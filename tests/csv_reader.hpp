// Reading the numeric CSV reference files of tests/data.
#pragma once

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace lapicque::testing {

// Columns by header name; cells that are not numbers read as NaN.
inline std::map<std::string, std::vector<double>> read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line, cell;
  std::getline(in, line);
  std::vector<std::string> names;
  for (std::stringstream header(line); std::getline(header, cell, ',');) names.push_back(cell);
  std::map<std::string, std::vector<double>> columns;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::size_t k = 0;
    for (std::stringstream row(line); std::getline(row, cell, ','); ++k) {
      char* end = nullptr;
      const double value = std::strtod(cell.c_str(), &end);
      columns[names.at(k)].push_back(end != cell.c_str() ? value : std::nan(""));
    }
  }
  return columns;
}

}  // namespace lapicque::testing
