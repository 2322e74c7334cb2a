#include "ledger/site/site_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/ledger/site/seed_ledger.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::site {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

class SiteFilesTest : public site::testing::SeedLedgerTest {
 protected:
  void SetUp() override {
    SeedLedgerTest::SetUp();
    auto site = SiteFiles::Build(*ledger_, options_);
    ASSERT_THAT(site, IsOk());
    site_ = std::move(*site);
  }
  std::unique_ptr<SiteFiles> site_;
};

TEST_F(SiteFilesTest, ThePagesAreEmbeddedAndTheRootIsTheIndex) {
  auto root = site_->Get("");
  ASSERT_THAT(root, IsOk());
  EXPECT_EQ(root->content_type, "text/html; charset=utf-8");
  EXPECT_THAT(root->bytes, HasSubstr("<!doctype html>"));
  EXPECT_EQ(root->bytes, site_->Get("index.html")->bytes);
  auto script = site_->Get("js/site.js");
  ASSERT_THAT(script, IsOk());
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(script->caching, publication::Caching::kShort);
}

TEST_F(SiteFilesTest, PathsListEveryFileAndEachIsServed) {
  const auto paths = site_->Paths();
  EXPECT_THAT(paths, Contains("compact.html"));
  EXPECT_THAT(paths, Contains("data/index.json"));
  EXPECT_THAT(paths, Contains("data/compact/worcestershire-2006.json"));
  EXPECT_THAT(paths, Contains("data/body/ewsg.json"));
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));
  for (const std::string& path : paths) {
    auto file = site_->Get(path);
    ASSERT_THAT(file, IsOk()) << path << ": " << file.status();
    EXPECT_FALSE(file->bytes.empty()) << path;
  }
  EXPECT_EQ(site_->Get("data/index.json")->content_type, "application/json");
  EXPECT_EQ(site_->tree_size(), ledger_->log().Size());
}

TEST_F(SiteFilesTest, PathsOutsideTheSiteAreRefusedAndMissingFilesNotFound) {
  for (const char* bad : {"/index.html", "../index.html", "data/../index.html", "data//index.json",
                          "./index.html"}) {
    auto file = site_->Get(bad);
    EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  auto missing = site_->Get("data/compact/no-such-compact.json");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("no-such-compact"));
  EXPECT_EQ(site_->Get("tile/0/000").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SiteFilesTest, BuildRefusesOptionsWithoutAKey) {
  auto site = SiteFiles::Build(*ledger_, SiteOptions{});
  EXPECT_EQ(site.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::site
