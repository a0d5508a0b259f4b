/**
 * Kubernetes `Status` errors, worded as apimachinery's `pkg/api/errors` constructors word them, because kubectl
 * prints `Error from server (<reason>): <message>` and the app under test parses these bodies.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** The resource as errors name it: `secrets`, or `deployments.apps` outside the core group. */
export interface QualifiedResource {
  resource: string;
  group: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

function qualifiedName(resource: QualifiedResource): string {
  return resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
}

export function notFound(resource: QualifiedResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedName(resource)} "${name}" not found`, resourceDetails(resource, name));
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(resource: QualifiedResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedName(resource)} "${name}" already exists`, resourceDetails(resource, name));
}

export function conflict(resource: QualifiedResource, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    resourceDetails(resource, name),
  );
}

export function forbidden(resource: QualifiedResource, name: string, reason: string): ApiError {
  const subject = name ? `${qualifiedName(resource)} "${name}"` : qualifiedName(resource);
  return new ApiError(403, 'Forbidden', `${subject} is forbidden: ${reason}`, resourceDetails(resource, name));
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** The router's 405: the path exists, but not for this HTTP method (POST to an object, PUT to a collection). */
export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

export function methodNotSupported(resource: QualifiedResource, action: string): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    `${action} is not supported on resources of kind "${qualifiedName(resource)}"`,
    resourceDetails(resource, ''),
  );
}

export function unsupportedMediaType(accepted: string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** `<Kind>[.<group>] "<name>" is invalid: <field>: <ErrorBody>`, as `NewInvalid` joins its field errors. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const summary = causes.map((cause) => `${cause.field}: ${cause.message}`);
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const message = `${qualifiedKind} "${name}" is invalid: ${summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`}`;
  const details: StatusDetails = { name, kind, causes };
  if (group) details.group = group;
  return new ApiError(422, 'Invalid', message, details);
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** The 422 `NewGenericServerResponse` builds for a JSON patch that does not apply: the cause carries the words. */
export function patchDoesNotApply(serverMessage: string): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: serverMessage }],
  });
}

function resourceDetails(resource: QualifiedResource, name: string): StatusDetails {
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (resource.group) details.group = resource.group;
  details.kind = resource.resource;
  return details;
}
