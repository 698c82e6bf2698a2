// experiment_main.h: embedviz-train --sweep and --find-lr, given the loaded data.
#pragma once

#include <memory>
#include <vector>

#include "cli/options.h"
#include "core/base/atomic_file.h"  // Output
#include "core/data/dataset.h"

namespace ev::cli {

// Trains the experiment's runs side by side, prints a line as each ends and the
// results table, writes --sweep-out (checked before the data was read, by
// experiment_outputs). Returns the exit status.
int experiment_main(const Options& o, std::shared_ptr<const Dataset> data);
// The files --sweep-out names (FILE.csv and FILE.json; the finder's FILE.csv),
// for ev::check_outputs. Throws ev::Error when the stem names a folder or
// something other than a regular file.
std::vector<Output> experiment_outputs(const Options& o);
// Runs the learning-rate finder and prints the rates it marks. Returns the exit status.
int find_lr_main(const Options& o, std::shared_ptr<const Dataset> data);

}  // namespace ev::cli
