#include "ledger/site/site_files.h"

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/base/status_macros.h"
#include "ledger/site/web_assets.h"

namespace ledger::site {

absl::StatusOr<std::unique_ptr<SiteFiles>> SiteFiles::Build(const CompactLedger& ledger,
                                                            const SiteOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(auto data, BuildSiteData(ledger, options));
  std::unique_ptr<SiteFiles> site(new SiteFiles());
  for (const WebAsset& asset : WebAssets()) {
    site->files_.emplace(std::string(asset.path), std::string(asset.bytes));
  }
  for (auto& [path, bytes] : data) site->files_[path] = std::move(bytes);
  auto index = nlohmann::json::parse(site->files_.at("data/index.json"));
  site->tree_size_ = index.at("treeSize").get<uint64_t>();
  return site;
}

absl::StatusOr<publication::PublishedFile> SiteFiles::Get(std::string_view path) const {
  std::string name(path);
  if (name.empty() || absl::EndsWith(name, "/")) name += "index.html";
  if (absl::StartsWith(name, "/")) {
    return absl::InvalidArgumentError(
        absl::StrCat("path \"", std::string(path), "\" is absolute; give it relative to the site's root"));
  }
  for (const std::string& segment : std::vector<std::string>(absl::StrSplit(name, '/'))) {
    if (segment.empty() || segment == "." || segment == "..") {
      return absl::InvalidArgumentError(
          absl::StrCat("path \"", std::string(path), "\" has an empty, \".\" or \"..\" segment"));
    }
  }
  auto it = files_.find(name);
  if (it == files_.end()) {
    return absl::NotFoundError(absl::StrCat("the web view has no file \"", std::string(path), "\""));
  }
  return publication::PublishedFile{.bytes = it->second,
                                    .content_type = ContentTypeOf(name),
                                    .caching = publication::Caching::kShort};
}

std::vector<std::string> SiteFiles::Paths() const {
  std::vector<std::string> paths;
  paths.reserve(files_.size());
  for (const auto& [path, bytes] : files_) paths.push_back(path);
  return paths;
}

std::string ContentTypeOf(std::string_view path) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (absl::EndsWith(std::string(path), std::string(ext))) return std::string(type);
  }
  return "application/octet-stream";
}

}  // namespace ledger::site
