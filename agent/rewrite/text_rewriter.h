// Documentation and committed sample data (Markdown, reStructuredText, plain text, CSV/TSV):
// never edited, only reviewed. Prose that describes the dataset and rows of its data are what a
// person updates with the code; silence about them would leave the repository half-migrated.
#pragma once

#include <string>
#include <string_view>

#include "plan.h"
#include "sink.h"

namespace shepherd::rewrite::text {

// Docs (.md .markdown .rst .adoc .txt): when the file names the dataset (its location's last part
// or its name, as a whole word), each line naming the location or a changed field (whole word)
// goes to review once.
// Sample data (.csv .tsv): when the header row has a column named like a changed field and either
// the path or the content names the dataset, or the header has two or more changed fields, each
// such column goes to review.
// Views and request plans (.html .htm .jsp .ftl .mustache .hbs .jmx): when the file names the
// dataset, each line naming a dropped field goes to review once.
void review(const std::string& path, std::string_view text, const Plan& plan, Sink& out);

}  // namespace shepherd::rewrite::text
