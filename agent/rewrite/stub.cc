#include "jvm_rewriter.h"
#include "json_rewriter.h"
#include "yaml_rewriter.h"
namespace shepherd::rewrite::jvm { void rewrite(std::string_view, const Plan&, const ModelIndex&, Sink&, bool) {} }
namespace shepherd::rewrite::json { void rewrite(const std::string&, std::string_view, const Plan&, const ModelIndex&, Sink&) {} }
namespace shepherd::rewrite::yaml { void rewrite(const std::string&, std::string_view, const Plan&, const ModelIndex&, Sink&) {} }
