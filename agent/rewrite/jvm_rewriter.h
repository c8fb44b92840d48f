// Rewrites Java and Scala sources (JDBC SQL strings, Spark column references, Scio/Beam accessors).
#pragma once

#include <string>
#include <string_view>

#include "engine.h"
#include "plan.h"
#include "sink.h"

namespace shepherd::rewrite::jvm {

void rewrite(std::string_view text, const Plan& plan, const ModelIndex& models, Sink& out, bool scala);

}  // namespace shepherd::rewrite::jvm
