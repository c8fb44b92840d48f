// base/base64.h: decoding kubeconfig *-data fields and Secret data.
#include "base/base64.h"

#include <gtest/gtest.h>

namespace shepherd::base {
namespace {

TEST(Base64, DecodesPaddedAndWrappedInput) {
  EXPECT_EQ(base64_decode(""), std::string());
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zm8="), "fo");
  EXPECT_EQ(base64_decode("Zm9v"), "foo");
  EXPECT_EQ(base64_decode("Zm9v\nYmFy\r\n"), "foobar");
  EXPECT_EQ(base64_decode(std::string("AP8A", 4)), std::string("\0\xff\0", 3));
}

TEST(Base64, RejectsWhatIsNotBase64) {
  for (const char* bad : {"Zm9v!", "Zm9v-_", "Z===", "Zm9vY", "Zg==Zg=="})
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
}

}  // namespace
}  // namespace shepherd::base
