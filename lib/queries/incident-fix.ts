import type { IncidentFixRequest } from '../api/incident-fix-request';
import type { IncidentFixResponse } from '../incident-fix';
import { postJson } from './fetch';
import { apiPaths } from './paths';

/** The one mutation of the incident fix form; the body carries the password once. */
export function postIncidentFix(context: string, request: IncidentFixRequest): Promise<IncidentFixResponse> {
  return postJson<IncidentFixResponse>(apiPaths.incidentFixes(context), request);
}
