// structure.cpp: neighbour shares of an embedding table against labels from the data.
#include "core/train/structure.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ev {

const std::vector<WordGroup>& probe_word_groups() {
  static const std::vector<WordGroup> groups = {
      {"animals", {"dog", "cat", "horse", "bird", "fish", "cow", "sheep", "pig", "snake", "insect"}},
      {"colours", {"red", "blue", "green", "yellow", "white", "black", "brown", "purple", "orange", "pink"}},
      {"numbers", {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}},
      {"body parts", {"hand", "foot", "head", "eye", "arm", "leg", "ear", "finger", "mouth", "nose"}},
      {"kin", {"father", "mother", "son", "daughter", "brother", "sister", "wife", "husband", "uncle", "aunt"}},
      {"materials", {"wood", "metal", "iron", "stone", "glass", "gold", "silver", "copper", "steel", "paper"}},
  };
  return groups;
}

std::string share_column(const std::string& probe_name) {
  std::string out = "share_" + probe_name;
  std::replace(out.begin(), out.end(), ' ', '_');
  return out;
}

namespace {

// The average over queries of the share of the other candidates with the query's label.
double chance_of(const NeighbourProbe& p) {
  std::vector<int> per_label;
  for (int c : p.candidates) {
    const int l = p.label[std::size_t(c)];
    if (l >= int(per_label.size())) per_label.resize(std::size_t(l) + 1, 0);
    ++per_label[std::size_t(l)];
  }
  const double others = double(p.candidates.size()) - 1;
  double sum = 0;
  for (int q : p.queries) sum += (per_label[std::size_t(p.label[std::size_t(q)])] - 1) / others;
  return p.queries.empty() || others <= 0 ? 0.0 : sum / double(p.queries.size());
}

// Token ids by falling count in the training split, ties by id.
std::vector<int> by_frequency(const Dataset& d) {
  std::vector<int> ids(static_cast<std::size_t>(d.vocab.size()));
  std::iota(ids.begin(), ids.end(), 0);
  std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) { return d.counts[std::size_t(a)] > d.counts[std::size_t(b)]; });
  return ids;
}

NeighbourProbe parts_of_speech(const Dataset& d) {
  NeighbourProbe p;
  p.name = "part of speech";
  p.label.assign(std::size_t(d.vocab.size()), -1);
  for (int id : by_frequency(d)) {
    const WordClass c = d.classes[std::size_t(id)];
    if (c == WordClass::None || c == WordClass::Several || d.counts[std::size_t(id)] == 0) continue;
    p.label[std::size_t(id)] = int(c);
    if (p.candidates.size() < 5000) p.candidates.push_back(id);
    if (p.queries.size() < 1000) p.queries.push_back(id);
  }
  return p;
}

NeighbourProbe word_groups(const Dataset& d) {
  NeighbourProbe p;
  p.name = "word groups";
  p.label.assign(std::size_t(d.vocab.size()), -1);
  const auto& groups = probe_word_groups();
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (const char* w : groups[g].words) {
      const int id = d.vocab.id(w);
      if (id < 0 || p.label[std::size_t(id)] >= 0) continue;
      p.label[std::size_t(id)] = int(g);
      p.queries.push_back(id);
    }
  p.candidates = p.queries;
  return p;
}

NeighbourProbe vowels(const Dataset& d) {
  NeighbourProbe p;
  p.name = "vowels";
  p.k = 3;
  p.label.assign(std::size_t(d.vocab.size()), -1);
  for (char ch = 'a'; ch <= 'z'; ++ch) {
    const int id = d.vocab.id(std::string(1, ch));
    if (id < 0) continue;
    p.label[std::size_t(id)] = std::string("aeiou").find(ch) != std::string::npos ? 1 : 0;
    p.queries.push_back(id);
  }
  p.candidates = p.queries;
  return p;
}

}  // namespace

std::vector<NeighbourProbe> structure_probes(const Dataset& data) {
  std::vector<NeighbourProbe> out;
  if (data.tokenizer == Tokenizer::Word) {
    if (data.classes.size() == std::size_t(data.vocab.size())) out.push_back(parts_of_speech(data));
    out.push_back(word_groups(data));
  } else {
    out.push_back(vowels(data));
  }
  // A probe needs more candidates than neighbours, and more than one label.
  out.erase(std::remove_if(out.begin(), out.end(),
                           [](NeighbourProbe& p) {
                             p.chance = chance_of(p);
                             return int(p.candidates.size()) <= p.k || p.chance <= 0 || p.chance >= 1;
                           }),
            out.end());
  return out;
}

double neighbour_share(const ConstMatMap<float>& table, const NeighbourProbe& p) {
  if (p.empty()) return 0.0;
  const int d = int(table.cols());
  const auto unit = [&](const std::vector<int>& ids) {
    Mat<float> m(Eigen::Index(ids.size()), d);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      m.row(Eigen::Index(i)) = table.row(ids[i]);
      const float n = m.row(Eigen::Index(i)).norm();
      if (n > 0) m.row(Eigen::Index(i)) /= n;
    }
    return m;
  };
  const Mat<float> Q = unit(p.queries), Cd = unit(p.candidates);
  const Mat<float> sim = Q * Cd.transpose();  // (queries, candidates) cosines
  std::vector<int> order(p.candidates.size());
  std::size_t hits = 0, seen = 0;
  for (std::size_t q = 0; q < p.queries.size(); ++q) {
    std::iota(order.begin(), order.end(), 0);
    // The query itself is not its own neighbour; ties go to the smaller index.
    const auto closer = [&](int a, int b) {
      const bool self_a = p.candidates[std::size_t(a)] == p.queries[q], self_b = p.candidates[std::size_t(b)] == p.queries[q];
      if (self_a != self_b) return self_b;
      const float sa = sim(Eigen::Index(q), a), sb = sim(Eigen::Index(q), b);
      return sa != sb ? sa > sb : a < b;
    };
    const int k = std::min<int>(p.k, int(order.size()) - 1);
    std::partial_sort(order.begin(), order.begin() + k, order.end(), closer);
    const int want = p.label[std::size_t(p.queries[q])];
    for (int i = 0; i < k; ++i) hits += p.label[std::size_t(p.candidates[std::size_t(order[std::size_t(i)])])] == want;
    seen += std::size_t(k);
  }
  return seen ? double(hits) / double(seen) : 0.0;
}

}  // namespace ev
