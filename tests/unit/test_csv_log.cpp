// CSV logs: the number format, quoted fields, and rows restored from a
// checkpoint of an older ldarts that wrote fewer columns.
#include <gtest/gtest.h>

#include <cmath>

#include "ldarts/io/csv_log.h"
#include "support/test_support.h"

using namespace ldarts;
using test::TempDir;

TEST(CsvLog, NumbersAreWrittenAsOstreamPrecisionEightAndNanIsEmpty) {
  EXPECT_EQ(format_number(3.0), "3");
  EXPECT_EQ(format_number(-2), "-2");
  EXPECT_EQ(format_number(123456789.0), "123456789");  // an integer stays whole
  EXPECT_EQ(format_number(0.016105829123), "0.016105829");
  EXPECT_EQ(format_number(1.2408956e-05), "1.2408956e-05");
  EXPECT_EQ(format_number(std::nan("")), "");
}

TEST(CsvLog, SplitsQuotedFields) {
  EXPECT_EQ(split_csv_line("a,\"b,c\",,d"), (std::vector<std::string>{"a", "b,c", "", "d"}));
  EXPECT_EQ(split_csv_line("\"say \"\"hi\"\"\",x"), (std::vector<std::string>{"say \"hi\"", "x"}));
}

TEST(CsvLog, RowsOfAnOlderCheckpointGetTheNewColumnsEmpty) {
  TempDir dir;
  const std::string old_text = "epoch,genotype,seconds\n0,\"Genotype(normal=[a, b])\",1.5\n1,g,2\n";
  CsvLog log(dir.file("metrics.csv"), {"epoch", "genotype", "alpha_change_l1_cell", "seconds"}, old_text);
  log.row_fields({"2", "h", "0.1", "3"});
  const std::string expected =
      "epoch,genotype,alpha_change_l1_cell,seconds\n0,\"Genotype(normal=[a, b])\",,1.5\n1,g,,2\n2,h,0.1,3\n";
  EXPECT_EQ(log.contents(), expected);
  EXPECT_EQ(test::read_text(dir.file("metrics.csv")), expected);
  // The same columns are kept as they are; a column that no longer exists is refused.
  CsvLog same(dir.file("same.csv"), {"epoch", "genotype", "alpha_change_l1_cell", "seconds"}, expected);
  EXPECT_EQ(same.contents(), expected);
  EXPECT_ERROR_WITH(CsvLog(dir.file("gone.csv"), {"epoch", "seconds"}, old_text), "gone.csv", "'genotype'");
}
