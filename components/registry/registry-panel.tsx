'use client';

import type { ContainerDiagnosis, PodDiagnosis } from '@/lib/api/types';
import { PlatformList } from './platform-list';
import { RateLimitHeadroom } from './rate-limit-headroom';
import { TagSuggestions } from './tag-suggestions';
import { TestCredentialsButton } from './test-credentials-button';

interface Props {
  context: string;
  namespace: string;
  pod: string;
  diagnosis: PodDiagnosis;
}

/**
 * What the registry itself says about this pod: closest tags for a tag that does not exist, the platforms an
 * image offers when none fits the node, the pull allowance left when pulls are rate-limited, and a registry
 * test for every pull secret that would serve an image.
 */
export function RegistryPanel({ context, namespace, pod, diagnosis }: Props) {
  const where = { context, namespace, pod };
  const tagFixes = diagnosis.containers.filter((container) => container.verdict?.code === 'tag-not-found');
  const platformMismatches = diagnosis.containers.filter((container) => container.verdict?.code === 'platform-mismatch');
  const rateLimited = diagnosis.containers.filter((container) => container.verdict?.code === 'rate-limited');
  const testable = testableSecrets(diagnosis);
  if (tagFixes.length === 0 && platformMismatches.length === 0 && rateLimited.length === 0 && testable.length === 0) return null;
  return (
    <section aria-labelledby="registry-heading" className="flex flex-col gap-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h2 id="registry-heading" className="font-semibold">
        Registry
      </h2>
      {tagFixes.map((container) => (
        <div key={`tags-${container.name}`} data-container={container.name}>
          <h3 className="mb-2 text-sm font-semibold">
            Tags of <span className="font-mono">{container.image?.repository ?? container.imageInput}</span> closest to{' '}
            <span className="font-mono">{container.image?.tag ?? ''}</span>
          </h3>
          <TagSuggestions {...where} container={container.name} />
        </div>
      ))}
      {platformMismatches.map((container) => (
        <div key={`platforms-${container.name}`} data-container={container.name}>
          <h3 className="mb-2 text-sm font-semibold">
            Platforms of <span className="font-mono">{container.imageInput}</span>
          </h3>
          <PlatformList {...where} container={container.name} />
        </div>
      ))}
      {rateLimited.map((container) => (
        <div key={`rate-${container.name}`} data-container={container.name}>
          <h3 className="mb-2 text-sm font-semibold">
            Pull allowance at <span className="font-mono">{container.image?.registry ?? container.imageInput}</span>
          </h3>
          <RateLimitHeadroom {...where} container={container.name} />
        </div>
      ))}
      {testable.map(({ secret, container }) => (
        <div key={`test-${secret}-${container.name}`} data-secret-test={secret} className="flex flex-col gap-1">
          <h3 className="text-sm font-semibold">
            Secret <span className="font-mono">{secret}</span> for <span className="font-mono">{container.imageInput}</span>
          </h3>
          <TestCredentialsButton
            context={context}
            image={container.imageInput}
            credential={{ kind: 'secret', namespace, name: secret }}
            pod={{ namespace, name: pod }}
            label="Test this secret"
          />
        </div>
      ))}
    </section>
  );
}

/** Each readable pull secret (attached or matching) with the first container whose image it would serve. */
function testableSecrets(diagnosis: PodDiagnosis): { secret: string; container: ContainerDiagnosis }[] {
  const secrets = [...diagnosis.secrets.secrets, ...diagnosis.secrets.unattachedMatching].filter((secret) => secret.status === 'ok');
  return secrets.flatMap((secret) => {
    const container = diagnosis.containers.find((candidate) => candidate.secretMatches.some((match) => match.secret === secret.name && match.matches));
    return container ? [{ secret: secret.name, container }] : [];
  });
}
