import { parse as parseYaml } from 'yaml';
import { ProtobufDecodeError, decodeKubernetesProtobuf } from './protobuf';
import { badRequest, unsupportedMediaType } from './status';

/** Request bodies: JSON, YAML, or the protobuf envelope kubectl 1.32 sends for typed clients. */

const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

const TEXT_MEDIA_TYPES = ['application/json', 'application/yaml'];

export function decodeObjectBody(contentType: string, body: Buffer): Record<string, unknown> {
  const mediaType = mediaTypeOf(contentType);
  let decoded: unknown;
  if (mediaType === PROTOBUF_CONTENT_TYPE) {
    try {
      decoded = decodeKubernetesProtobuf(body);
    } catch (error) {
      // Kinds without a hand-written schema: kubectl reports the 415 cleanly, as it would for a server without protobuf.
      if (error instanceof ProtobufDecodeError && error.unsupportedKind) throw unsupportedMediaType(TEXT_MEDIA_TYPES);
      throw badRequest(`the body of the request could not be decoded: ${(error as Error).message}`);
    }
  } else if (mediaType === 'application/json' || mediaType === '') {
    decoded = parseJson(body);
  } else if (mediaType === 'application/yaml') {
    decoded = parseYamlBody(body);
  } else {
    throw unsupportedMediaType([...TEXT_MEDIA_TYPES, PROTOBUF_CONTENT_TYPE]);
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) {
    throw badRequest(`Object 'Kind' is missing in '${body.toString('utf8').slice(0, 200)}'`);
  }
  return decoded as Record<string, unknown>;
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

export function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString('utf8'));
  } catch (error) {
    throw badRequest(`error converting YAML to JSON: ${(error as Error).message}`);
  }
}

export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}
