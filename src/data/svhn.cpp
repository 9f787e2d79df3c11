// SVHN in its published MATLAB files (train_32x32.mat, test_32x32.mat,
// extra_32x32.mat), read with matio: X uint8 [32, 32, 3, N] (column-major),
// y [N, 1] with labels 1..10, where 10 stands for the digit 0.
#include <matio.h>

#include <ATen/ATen.h>

#include <memory>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/data/dataset.h"

namespace ldarts {
namespace {

struct MatFile {
  mat_t* mat;
  ~MatFile() { Mat_Close(mat); }
};
struct MatVar {
  matvar_t* var;
  ~MatVar() { Mat_VarFree(var); }
};

}  // namespace

ImageSet read_svhn_mat(const std::string& path) {
  LDARTS_CHECK(file_exists(path), path, ": no such file (SVHN needs train_32x32.mat and test_32x32.mat from "
               "http://ufldl.stanford.edu/housenumbers/ in --data-dir)");
  mat_t* opened = Mat_Open(path.c_str(), MAT_ACC_RDONLY);
  LDARTS_CHECK(opened != nullptr, path, ": not a MATLAB file (wrong magic or truncated header)");
  MatFile file{opened};
  MatVar x{Mat_VarRead(file.mat, "X")}, y{Mat_VarRead(file.mat, "y")};
  LDARTS_CHECK(x.var != nullptr && y.var != nullptr, path, ": no variables X and y (truncated, or not an SVHN file)");
  LDARTS_CHECK(x.var->class_type == MAT_C_UINT8 && x.var->rank == 4 && x.var->dims[2] == 3, path,
               ": X must be uint8 [H, W, 3, N], got rank ", x.var->rank, " class ", int(x.var->class_type));
  const int64_t h = x.var->dims[0], w = x.var->dims[1], n = x.var->dims[3];
  LDARTS_CHECK(static_cast<int64_t>(y.var->dims[0] * y.var->dims[1]) == n, path, ": y has ",
               y.var->dims[0] * y.var->dims[1], " labels for ", n, " images");
  // Column-major [H, W, 3, N] is row-major [N, 3, W, H].
  at::Tensor images = at::from_blob(x.var->data, {n, 3, w, h}, at::kByte).transpose(2, 3).contiguous();
  at::Tensor labels;
  if (y.var->class_type == MAT_C_DOUBLE)
    labels = at::from_blob(y.var->data, {n}, at::kDouble).to(at::kLong);
  else if (y.var->class_type == MAT_C_UINT8)
    labels = at::from_blob(y.var->data, {n}, at::kByte).to(at::kLong);
  else
    fail(path, ": y must be double or uint8, got class ", int(y.var->class_type));
  const int64_t low = labels.min().item<int64_t>(), high = labels.max().item<int64_t>();
  LDARTS_CHECK(low >= 1 && high <= 10, path, ": label out of range (", low, "..", high, "; SVHN labels are 1..10)");
  labels = labels.remainder(10);  // 10 is the digit 0
  return ImageSet{images, labels, 10, path};
}

}  // namespace ldarts
