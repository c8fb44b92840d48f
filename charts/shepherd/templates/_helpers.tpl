{{/* Name of the release's objects: the release name, with "-shepherd" unless it already says so. */}}
{{- define "shepherd.fullname" -}}
{{- if contains "shepherd" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-shepherd" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "shepherd.selectorLabels" -}}
app.kubernetes.io/name: shepherd
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "shepherd.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: shepherd
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: shepherd
{{- end -}}

{{- define "shepherd.serviceAccountName" -}}
{{- default (include "shepherd.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "shepherd.operatorImage" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "shepherd.agentImage" -}}
{{- printf "%s:%s" .Values.agent.image.repository (default .Chart.AppVersion .Values.agent.image.tag) -}}
{{- end -}}

{{/* Namespaces where agents run, as a JSON list: agent.namespaces; when none are given, the
watched namespace (plans can only run there), else the release namespace. */}}
{{- define "shepherd.agentNamespaces" -}}
{{- if .Values.agent.namespaces -}}
{{- toJson (uniq .Values.agent.namespaces) -}}
{{- else if .Values.operator.watchNamespace -}}
{{- toJson (list .Values.operator.watchNamespace) -}}
{{- else -}}
{{- toJson (list .Release.Namespace) -}}
{{- end -}}
{{- end -}}

{{- define "shepherd.leaderElect" -}}
{{- if or (gt (int .Values.replicaCount) 1) .Values.leaderElection.enabled -}}true{{- else -}}false{{- end -}}
{{- end -}}
