// Reading numeric CSV tables with a header line (connection lists, input time series), every
// problem named with file and line.
#pragma once

#include <string>
#include <vector>

namespace lapicque::io {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<double>> columns;  // one per header entry
  std::vector<std::size_t> lines;            // the file line of each row (for messages)
  // The index of a column by name, or -1.
  long column(const std::string& name) const;
};

// Reads `path`: a header of names, then rows of numbers, as many as the header has. Throws
// UserError with "path:line: ..." messages.
CsvTable read_csv_table(const std::string& path);

}  // namespace lapicque::io
