#include "io/csv_table.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "io/experiment_file.hpp"

namespace lapicque::io {

long CsvTable::column(const std::string& name) const {
  const auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<long>(it - header.begin());
}

CsvTable read_csv_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UserError("cannot open " + path);
  CsvTable table;
  std::string line;
  if (!std::getline(in, line))
    throw UserError(path + " is empty: expected a header line, then rows of numbers");
  {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::stringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) table.header.push_back(cell);
  }
  table.columns.resize(table.header.size());
  std::size_t row = 1;
  while (std::getline(in, line)) {
    ++row;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::stringstream cells(line);
    std::string cell;
    std::size_t k = 0;
    while (std::getline(cells, cell, ',')) {
      if (k >= table.header.size())
        throw UserError(
            fmt::format("{}:{}: more than the {} columns of the header", path, row, table.header.size()));
      try {
        table.columns[k].push_back(std::stod(cell));
      } catch (const std::exception&) {
        throw UserError(fmt::format("{}:{}: `{}` is not a number", path, row, cell));
      }
      ++k;
    }
    if (k != table.header.size())
      throw UserError(fmt::format("{}:{}: expected {} columns ({})", path, row, table.header.size(),
                                  fmt::join(table.header, ",")));
    table.lines.push_back(row);
  }
  return table;
}

}  // namespace lapicque::io
