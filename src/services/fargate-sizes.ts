import { invalid, isToken } from '../private/validation';

/** Memory (MiB) that Fargate accepts for each task CPU value: [min, max, step]. */
const MEMORY_BY_CPU: ReadonlyMap<number, readonly [number, number, number]> = new Map([
  [256, [512, 2048, 512]] as const, // 512, 1024, 2048 (1536 is not offered)
  [512, [1024, 4096, 1024]] as const,
  [1024, [2048, 8192, 1024]] as const,
  [2048, [4096, 16384, 1024]] as const,
  [4096, [8192, 30720, 1024]] as const,
  [8192, [16384, 61440, 4096]] as const,
  [16384, [32768, 122880, 8192]] as const,
]);

function memoryChoices(cpu: number): number[] {
  const [min, max, step] = MEMORY_BY_CPU.get(cpu)!;
  const choices: number[] = [];
  for (let memory = min; memory <= max; memory += step) {
    if (!(cpu === 256 && memory === 1536)) {
      choices.push(memory);
    }
  }
  return choices;
}

function describeChoices(choices: number[]): string {
  if (choices.length <= 4) {
    return choices.join(', ');
  }
  return `${choices[0]} to ${choices[choices.length - 1]} in steps of ${choices[1] - choices[0]}`;
}

/**
 * Checks a Fargate task size. `prefix` names the props, e.g. `hasura` for `hasura.cpu` and
 * `hasura.memoryLimitMiB`.
 */
export function checkFargateSize(prefix: string, cpu: number, memoryLimitMiB: number): void {
  if (isToken(cpu) || isToken(memoryLimitMiB)) {
    return;
  }
  if (!MEMORY_BY_CPU.has(cpu)) {
    invalid(`${prefix}.cpu`, cpu, `Fargate task CPU units must be one of ${[...MEMORY_BY_CPU.keys()].join(', ')}.`);
  }
  const choices = memoryChoices(cpu);
  if (!choices.includes(memoryLimitMiB)) {
    invalid(`${prefix}.memoryLimitMiB`, memoryLimitMiB,
      `With ${prefix}.cpu ${cpu}, Fargate accepts ${describeChoices(choices)} MiB.`);
  }
}
