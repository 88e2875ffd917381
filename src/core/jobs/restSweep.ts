import {
  compact,
  fail,
  isMap,
  isoDuration,
  optionalInteger,
  optionalMap,
  optionalNumber,
  optionalString,
  type YamlMap,
  type YamlPath,
} from './restJobParts';

/** Parameters of each search-space distribution, in the order the service's `[type, [args]]` lists them. */
const DISTRIBUTION_PARAMETERS: Record<string, string[]> = {
  choice: ['values'],
  randint: ['upper'],
  uniform: ['min_value', 'max_value'],
  loguniform: ['min_value', 'max_value'],
  quniform: ['min_value', 'max_value', 'q'],
  qloguniform: ['min_value', 'max_value', 'q'],
  normal: ['mu', 'sigma'],
  lognormal: ['mu', 'sigma'],
  qnormal: ['mu', 'sigma', 'q'],
  qlognormal: ['mu', 'sigma', 'q'],
};

function isDistribution(value: unknown): value is YamlMap {
  return isMap(value) && typeof value.type === 'string' && value.type.toLowerCase() in DISTRIBUTION_PARAMETERS;
}

/** One search-space entry as `[type, [arguments]]`; a choice among mappings may nest distributions. */
function searchDistribution(value: unknown, path: YamlPath): unknown[] {
  if (!isMap(value)) return fail('A search-space entry must be a mapping with `type`.', path);
  const type = typeof value.type === 'string' ? value.type.toLowerCase() : '';
  const parameters = DISTRIBUTION_PARAMETERS[type];
  if (!parameters) {
    return fail(
      `\`${String(value.type)}\` is not a search-space type; use one of ${Object.keys(DISTRIBUTION_PARAMETERS).join(', ')}.`,
      [...path, 'type'],
    );
  }
  if (type === 'choice') {
    if (!Array.isArray(value.values) || value.values.length === 0)
      fail('`choice` needs a non-empty `values` list.', [...path, 'values']);
    const values = (value.values as unknown[]).map((item, index) =>
      isMap(item)
        ? Object.fromEntries(
            Object.entries(item).map(([key, nested]) => [
              key,
              isDistribution(nested) ? searchDistribution(nested, [...path, 'values', index, key]) : nested,
            ]),
          )
        : item,
    );
    return [type, [values]];
  }
  const args = parameters.map((parameter) => {
    const number =
      parameter === 'upper' || parameter === 'q'
        ? optionalInteger(value[parameter], [...path, parameter], parameter, 1)
        : optionalNumber(value[parameter], [...path, parameter], parameter);
    if (number === undefined) fail(`\`${type}\` needs \`${parameter}\`.`, [...path, parameter]);
    return number;
  });
  return [type, args];
}

export function searchSpace(value: unknown, path: YamlPath): Record<string, unknown[]> {
  const map = optionalMap(value, path, 'search_space');
  if (!map || Object.keys(map).length === 0) return fail('A sweep job needs a `search_space`.', path);
  const result: Record<string, unknown[]> = {};
  for (const [name, entry] of Object.entries(map)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name))
      fail(`Search-space name \`${name}\` may hold only letters, digits and underscores.`, [...path, name]);
    result[name] = searchDistribution(entry, [...path, name]);
  }
  return result;
}

const SAMPLING: Record<string, string> = { random: 'Random', grid: 'Grid', bayesian: 'Bayesian' };

export function samplingAlgorithm(value: unknown, path: YamlPath): YamlMap {
  const definition = typeof value === 'string' ? { type: value } : optionalMap(value, path, 'sampling_algorithm');
  if (!definition) return fail('A sweep job needs a `sampling_algorithm`: random, grid or bayesian.', path);
  const typePath = typeof value === 'string' ? path : [...path, 'type'];
  const type = typeof definition.type === 'string' ? SAMPLING[definition.type.toLowerCase()] : undefined;
  if (!type) return fail('`sampling_algorithm` must be random, grid or bayesian.', typePath);
  let rule: string | undefined;
  if (definition.rule !== undefined && definition.rule !== null) {
    const text = typeof definition.rule === 'string' ? definition.rule.toLowerCase() : '';
    if (type !== 'Random' || (text !== 'random' && text !== 'sobol'))
      fail('`rule` applies to random sampling and must be random or sobol.', [...path, 'rule']);
    rule = text === 'sobol' ? 'Sobol' : 'Random';
  }
  return compact({
    samplingAlgorithmType: type,
    seed: type === 'Random' ? optionalInteger(definition.seed, [...path, 'seed'], 'seed') : undefined,
    rule,
  });
}

export function objective(value: unknown, path: YamlPath): YamlMap {
  const map = optionalMap(value, path, 'objective');
  if (!map) return fail('A sweep job needs an `objective` with `goal` and `primary_metric`.', path);
  const goal = typeof map.goal === 'string' ? map.goal.toLowerCase() : '';
  if (goal !== 'minimize' && goal !== 'maximize') fail('`goal` must be minimize or maximize.', [...path, 'goal']);
  const metric = optionalString(map.primary_metric, [...path, 'primary_metric'], 'primary_metric');
  if (!metric) fail('`objective` needs `primary_metric`.', [...path, 'primary_metric']);
  return { goal: goal === 'minimize' ? 'Minimize' : 'Maximize', primaryMetric: metric };
}

export function earlyTermination(value: unknown, path: YamlPath): YamlMap | undefined {
  const map = optionalMap(value, path, 'early_termination');
  if (!map) return undefined;
  const intervals = {
    evaluationInterval: optionalInteger(
      map.evaluation_interval,
      [...path, 'evaluation_interval'],
      'evaluation_interval',
    ),
    delayEvaluation: optionalInteger(map.delay_evaluation, [...path, 'delay_evaluation'], 'delay_evaluation'),
  };
  switch (typeof map.type === 'string' ? map.type.toLowerCase() : '') {
    case 'bandit':
      return compact({
        policyType: 'Bandit',
        ...intervals,
        slackFactor: optionalNumber(map.slack_factor, [...path, 'slack_factor'], 'slack_factor'),
        slackAmount: optionalNumber(map.slack_amount, [...path, 'slack_amount'], 'slack_amount'),
      });
    case 'median_stopping':
      return compact({ policyType: 'MedianStopping', ...intervals });
    case 'truncation_selection':
      return compact({
        policyType: 'TruncationSelection',
        ...intervals,
        truncationPercentage: optionalInteger(
          map.truncation_percentage,
          [...path, 'truncation_percentage'],
          'truncation_percentage',
        ),
      });
    default:
      return fail('`early_termination.type` must be bandit, median_stopping or truncation_selection.', [
        ...path,
        'type',
      ]);
  }
}

export function sweepLimits(value: unknown, path: YamlPath): YamlMap {
  const map = optionalMap(value, path, 'limits') ?? {};
  return compact({
    jobLimitsType: 'Sweep',
    maxTotalTrials: optionalInteger(map.max_total_trials, [...path, 'max_total_trials'], 'max_total_trials', 1),
    maxConcurrentTrials: optionalInteger(
      map.max_concurrent_trials,
      [...path, 'max_concurrent_trials'],
      'max_concurrent_trials',
      1,
    ),
    timeout: isoDuration(map.timeout, [...path, 'timeout'], 'timeout'),
    trialTimeout: isoDuration(map.trial_timeout, [...path, 'trial_timeout'], 'trial_timeout'),
  });
}

/** For a pipeline sweep step, which carries the YAML form: the policy still goes in the REST shape, snake_cased. */
export function stepEarlyTermination(value: unknown, path: YamlPath): YamlMap | undefined {
  const rest = earlyTermination(value, path);
  if (!rest) return undefined;
  return Object.fromEntries(
    Object.entries(rest).map(([key, item]) => [key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), item]),
  );
}
