/**
 * The JSON the HTTP API returns (design §3). Shared by the route handlers and the UI, so this file imports types
 * only, from pure modules: nothing here may pull server code into a client bundle.
 *
 * Every timestamp is an ISO-8601 string as the API server wrote it. No field ever holds a password, a token or a
 * docker `auth` value: credentials appear as username, whether a password is set, and a keyed fingerprint.
 */
import type { ImageRef, ImageRefBreak } from '../../image-ref';
import type { PullFailureCause } from '../../diagnosis';
import type { CredentialMatchRule } from '../../pull-secrets';
import type { VerdictCode } from '../../verdicts';
import type { CandidateCheck, CandidateOrigin, CheckResult, CredentialCheckView, Verification } from '../../pull-verification';

export type { CandidateCheck, CandidateOrigin, CheckResult, CredentialCheckView, CredentialMatchRule, ImageRef, ImageRefBreak, PullFailureCause, Verification, VerdictCode };

// One file per route, beside this one.
export type * from './errors';
export type * from './contexts';
export type * from './failures';
export type * from './pod-diagnosis';
export type * from './registry';
export type * from './image-fixes';
