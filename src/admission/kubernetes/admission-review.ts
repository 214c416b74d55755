import { z } from 'zod';

/**
 * The `admission.k8s.io/v1` AdmissionReview as the API server sends it to a webhook
 * (Kubernetes API reference, "AdmissionReview v1"; "Dynamic Admission Control", "Request" and
 * "Response"). Only the fields a decision reads are checked; the rest pass unread (`loose`), since
 * newer API servers add fields and a webhook must not reject them.
 */
const groupVersionKind = z.looseObject({ group: z.string(), version: z.string(), kind: z.string().min(1) });
const groupVersionResource = z.looseObject({ group: z.string(), version: z.string(), resource: z.string().min(1) });

export const admissionRequestSchema = z.looseObject({
  uid: z.string().min(1, 'request.uid must not be empty'),
  kind: groupVersionKind,
  resource: groupVersionResource,
  subResource: z.string().optional(),
  requestKind: groupVersionKind.optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
  userInfo: z.looseObject({ username: z.string().optional() }).optional(),
  // the object is absent (null) for DELETE and CONNECT
  object: z.record(z.string(), z.unknown()).nullable().optional(),
  oldObject: z.record(z.string(), z.unknown()).nullable().optional(),
  dryRun: z.boolean().optional(),
});

export const admissionReviewSchema = z.looseObject({
  apiVersion: z.literal('admission.k8s.io/v1', { message: 'apiVersion must be admission.k8s.io/v1 (the only version this webhook speaks; set admissionReviewVersions: [v1])' }),
  kind: z.literal('AdmissionReview', { message: 'kind must be AdmissionReview' }),
  request: admissionRequestSchema,
});

export type AdmissionRequest = z.infer<typeof admissionRequestSchema>;

/** The response part of an AdmissionReview v1 ("Response": uid, allowed, status, patch, warnings). */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
  patchType?: 'JSONPatch';
  /** base64 of a JSON Patch (RFC 6902) document. */
  patch?: string;
}

export interface AdmissionReviewResponse {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

/**
 * "Dynamic Admission Control", Response → warnings: the API server may truncate a warning longer
 * than 256 characters (and all of them past 4096); longer ones are cut here so the cut is visible.
 */
export const MAX_WARNING_CHARS = 256;

export function reviewResponse(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/** Parses a request body into a review, or returns the reason it is malformed (one line, naming the field). */
export function parseAdmissionReview(body: unknown): { review: z.infer<typeof admissionReviewSchema> } | { error: string } {
  const parsed = admissionReviewSchema.safeParse(body);
  if (parsed.success) return { review: parsed.data };
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'body';
  return { error: `malformed AdmissionReview: ${where}: ${issue.message}` };
}
