// registry.cpp: the model families, in menu order. A new family is its own
// pair of files beside this one and one line here.
#include "core/models/gpt.h"
#include "core/models/mlp.h"

#include "core/base/error.h"

namespace ev {

namespace {

std::vector<const Family*>& registry() {
  static std::vector<const Family*> all = {
      &kMlpFamily,
      &kGptFamily,
  };
  return all;
}

}  // namespace

const std::vector<const Family*>& families() { return registry(); }

void register_family(const Family* f) {
  for (const Family*& known : registry())
    if (std::string(known->name) == f->name) {
      known = f;
      return;
    }
  registry().push_back(f);
}

const Family& family(const std::string& name) {
  std::string names;
  for (const Family* f : families()) {
    if (name == f->name) return *f;
    names += names.empty() ? "" : ", ";
    names += f->name;
  }
  throw Error("unknown model family " + shown(name) + "; the families are " + names);
}

}  // namespace ev
