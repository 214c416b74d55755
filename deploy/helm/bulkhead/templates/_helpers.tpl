{{/* Shared names and snippets of the Bulkhead chart. */}}

{{- define "bulkhead.image" -}}
{{- if .Values.image.digest -}}
"{{ .Values.image.repository }}@{{ .Values.image.digest }}"
{{- else -}}
"{{ .Values.image.repository }}:{{ .Values.image.tag }}"
{{- end -}}
{{- end }}

{{- define "bulkhead.labels" -}}
app.kubernetes.io/part-of: bulkhead
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}

{{/* The restricted pod security context every component but the agent runs with. */}}
{{- define "bulkhead.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "bulkhead.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end }}

{{/* Database URL and master key, from Secrets (never in values). */}}
{{- define "bulkhead.sharedEnv" -}}
- name: BULKHEAD_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.urlKey }}
- name: BULKHEAD_SERVER_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.keys.existingSecret }}
      key: {{ .Values.keys.key }}
{{- end }}

{{/* Fills the vulnerability database volume before the main container starts. */}}
{{- define "bulkhead.vulnDbInit" -}}
- name: vuln-db
  image: {{ include "bulkhead.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args:
    - db
    - update
    - --db=/var/lib/bulkhead/vuln/vuln.db
    {{- if .Values.vulnDb.source }}
    - --source={{ .Values.vulnDb.source }}
    {{- end }}
  securityContext:
    {{- include "bulkhead.containerSecurityContext" . | nindent 4 }}
  resources:
    requests: { cpu: 100m, memory: 256Mi }
    limits: { cpu: "1", memory: 1Gi }
  volumeMounts:
    - name: vuln-db
      mountPath: /var/lib/bulkhead/vuln
    - name: tmp
      mountPath: /tmp
{{- end }}
