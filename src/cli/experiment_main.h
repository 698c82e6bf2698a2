// experiment_main.h: embedviz-train --sweep and --find-lr, given the loaded data.
#pragma once

#include <memory>

#include "cli/options.h"
#include "core/dataset.h"

namespace ev::cli {

// Trains the experiment's runs side by side, prints a line as each ends and the
// results table, writes --sweep-out. Returns the exit status.
int experiment_main(const Options& o, std::shared_ptr<const Dataset> data);
// Runs the learning-rate finder and prints the rates it marks. Returns the exit status.
int find_lr_main(const Options& o, std::shared_ptr<const Dataset> data);

}  // namespace ev::cli
