// Pure parser of the Prometheus HTTP API answer to GET /api/v1/query (instant query), see
// https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries.
#pragma once

#include <string_view>

#include "controllers/health/query_result.h"

namespace shepherd::controllers::health {

// Interprets an HTTP answer (status code and body) as a QueryResult:
//  - {"status":"success","data":{"resultType":"vector","result":[]}} -> NoData;
//    one sample -> Value (or NotANumber for "NaN"/"+Inf"/"-Inf"); several -> Ambiguous.
//  - resultType "scalar" ([<time>, "<value>"]) -> Value / NotANumber.
//  - resultType "matrix" or "string" -> WrongType.
//  - {"status":"error","errorType":...,"error":...} (Prometheus sends it with 400, 422, 503) -> QueryError.
//  - any other non-2xx -> HttpError; unparsable or unexpected JSON -> BadResponse.
// Values are decimal strings as Prometheus encodes them; they are parsed locale-independently.
QueryResult parse_instant_query_response(int http_status, std::string_view body);

// Parses a Prometheus sample value string: a finite number -> true and sets `out`. "NaN", "+Inf",
// "-Inf", "Inf" and garbage -> false.
bool parse_sample_value(std::string_view text, double& out);

}  // namespace shepherd::controllers::health
