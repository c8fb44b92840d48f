// Status and Result: codes, context added on the way up, the printed form, values and errors.
#include "base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace shepherd::base {
namespace {

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::Ok);
  EXPECT_EQ(s.to_string(), "OK");
}

TEST(Status, NamesObjectFieldAndMessage) {
  Status s = Status::invalid_argument("must be an https or ssh URL")
                 .with_field_prefix("url")
                 .with_field_prefix("repository")
                 .with_field_prefix("spec.consumers[3]")
                 .with_object("MigrationPlan default/orders-v2");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::InvalidArgument);
  EXPECT_EQ(s.object(), "MigrationPlan default/orders-v2");
  EXPECT_EQ(s.field(), "spec.consumers[3].repository.url");
  EXPECT_EQ(s.message(), "must be an https or ssh URL");
  EXPECT_EQ(s.to_string(),
            "MigrationPlan default/orders-v2: spec.consumers[3].repository.url: must be an https or ssh URL");
}

TEST(Status, FieldPrefixJoinsIndexesWithoutADot) {
  Status s = Status::invalid_argument("bad").with_field_prefix("[2]").with_field_prefix("spec.consumers");
  EXPECT_EQ(s.field(), "spec.consumers[2]");
  Status empty = Status::invalid_argument("bad").with_field_prefix("");
  EXPECT_EQ(empty.field(), "");
  EXPECT_EQ(empty.to_string(), "bad");
}

TEST(Status, InnermostObjectWins) {
  Status s = Status::not_found("missing").with_object("Secret ns/creds").with_object("MigrationPlan ns/p");
  EXPECT_EQ(s.object(), "Secret ns/creds");
  EXPECT_EQ(s.to_string(), "Secret ns/creds: missing");
}

TEST(Status, LvalueHelpersChangeInPlace) {
  Status s = Status::internal("boom");
  s.with_object("Job ns/j").with_field_prefix("spec");
  EXPECT_EQ(s.to_string(), "Job ns/j: spec: boom");
}

TEST(Status, RemoteAnswerIsKeptAndPrinted) {
  Status s = Status(StatusCode::Conflict, "the object has been modified")
                 .with_http(409, "Conflict", R"({"name":"a"})");
  EXPECT_EQ(s.http_code(), 409);
  EXPECT_EQ(s.reason(), "Conflict");
  EXPECT_EQ(s.details(), R"({"name":"a"})");
  EXPECT_TRUE(s.is_conflict());
  EXPECT_FALSE(s.is_server_error());
  EXPECT_EQ(s.to_string(), "409 Conflict: the object has been modified");
  Status t = Status::unavailable("connection refused").with_http(0, "TransportError");
  EXPECT_TRUE(t.is_transport());
  EXPECT_EQ(t.to_string(), "TransportError: connection refused");
  Status u = Status::unavailable("down").with_http(503, "ServiceUnavailable");
  EXPECT_FALSE(u.is_transport());
  EXPECT_TRUE(u.is_server_error());
}

TEST(Status, PredicatesFollowTheCode) {
  struct Case {
    StatusCode code;
    bool not_found, already_exists, conflict, gone, too_many, cancelled;
  };
  const Case cases[] = {
      {StatusCode::NotFound, true, false, false, false, false, false},
      {StatusCode::AlreadyExists, false, true, false, false, false, false},
      {StatusCode::Conflict, false, false, true, false, false, false},
      {StatusCode::Gone, false, false, false, true, false, false},
      {StatusCode::TooManyRequests, false, false, false, false, true, false},
      {StatusCode::Cancelled, false, false, false, false, false, true},
      {StatusCode::Internal, false, false, false, false, false, false},
  };
  for (const Case& c : cases) {
    Status s(c.code, "m");
    SCOPED_TRACE(to_string(c.code));
    EXPECT_EQ(s.is_not_found(), c.not_found);
    EXPECT_EQ(s.is_already_exists(), c.already_exists);
    EXPECT_EQ(s.is_conflict(), c.conflict);
    EXPECT_EQ(s.is_gone(), c.gone);
    EXPECT_EQ(s.is_too_many_requests(), c.too_many);
    EXPECT_EQ(s.is_cancelled(), c.cancelled);
    EXPECT_FALSE(s.is_transport());
  }
}

TEST(StatusCode, PrintsItsName) {
  EXPECT_STREQ(to_string(StatusCode::InvalidArgument), "InvalidArgument");
  EXPECT_STREQ(to_string(StatusCode::Unavailable), "Unavailable");
  EXPECT_STREQ(to_string(StatusCode::Ok), "OK");
}

TEST(Result, HoldsAValue) {
  Result<int> r = 7;
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), 7);
  EXPECT_TRUE(r.status().ok());
}

TEST(Result, HoldsAnError) {
  Result<std::string> r = Status::not_found("no such file").with_object("file /x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::NotFound);
  EXPECT_EQ(r.status().to_string(), "file /x: no such file");
  Status moved = std::move(r).status();
  EXPECT_EQ(moved.message(), "no such file");
}

TEST(Result, MovesMoveOnlyValuesOut) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(3);
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 3);
  Result<std::unique_ptr<int>> ok_status = std::make_unique<int>(1);
  EXPECT_TRUE(std::move(ok_status).status().ok());
}

}  // namespace
}  // namespace shepherd::base
