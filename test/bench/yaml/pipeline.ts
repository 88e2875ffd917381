// A realistic, deterministic pipeline job of about a given number of lines for the YAML engine's benchmark:
// pipeline inputs and outputs, and command steps with inline commands and environments, inputs bound to the
// pipeline's (`${{parent.inputs.x}}`) or an earlier step's outputs (`${{parent.jobs.<step>.outputs.<o>}}`),
// outputs, resources and distribution. It is valid: the benchmark checks that the engine finds no error in it.

const STAGES = ['prep', 'featurize', 'train', 'evaluate', 'register'] as const;

const ENVIRONMENTS = [
  'azureml://registries/azureml/environments/sklearn-1.5/labels/latest',
  'azureml://registries/azureml/environments/acpt-pytorch-2.8-cuda12.6/labels/latest',
  'azureml:tensorflow-training-env:3',
];

const INSTANCE_TYPES = ['Standard_DS3_v2', 'Standard_NC6s_v3', 'Standard_NC24ads_A100_v4'];

export interface PipelineText {
  readonly text: string;
  /** A step about two thirds of the way down whose `resources:` has no `instance_type`, for the completion row. */
  readonly completionStep: string;
}

function stepName(index: number): string {
  return `${STAGES[index % STAGES.length]}_${String(index + 1).padStart(2, '0')}`;
}

function step(index: number, last: boolean): string[] {
  const name = stepName(index);
  const previous = index > 0 ? stepName(index - 1) : undefined;
  const lines = [
    `  ${name}:`,
    '    type: command',
    `    display_name: ${STAGES[index % STAGES.length]} (step ${index + 1})`,
    `    description: Step ${index + 1} of the benchmark pipeline; reads the previous step's data and writes its own.`,
    '    code: ./src',
    '    command: >-',
    `      python ${STAGES[index % STAGES.length]}.py`,
    '      --data ${{inputs.data}}',
    '      --reference ${{inputs.reference}}',
    '      --learning-rate ${{inputs.learning_rate}}',
    '      --epochs ${{inputs.epochs}}',
    '      --seed ${{inputs.seed}}',
    '      --data-out ${{outputs.data_out}}',
    '      --metrics ${{outputs.metrics}}',
  ];
  if (index % 3 === 0) {
    lines.push(
      '    environment:',
      `      name: step-${index + 1}-env`,
      '      image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest',
      '      conda_file:',
      '        name: step-env',
      '        channels:',
      '          - conda-forge',
      '        dependencies:',
      '          - python=3.10',
      '          - pip',
      '          - pip:',
      '              - mlflow',
      '              - azureml-mlflow',
      '              - pandas',
    );
  } else {
    lines.push(`    environment: ${ENVIRONMENTS[index % ENVIRONMENTS.length]}`);
  }
  lines.push(
    '    compute: azureml:gpu-cluster',
    '    inputs:',
    previous
      ? `      data: \${{parent.jobs.${previous}.outputs.data_out}}`
      : '      data: ${{parent.inputs.training_data}}',
    '      reference:',
    '        type: uri_folder',
    '        path: ${{parent.inputs.reference_data}}',
    '        mode: ro_mount',
    '      learning_rate: ${{parent.inputs.learning_rate}}',
    '      epochs: ${{parent.inputs.epochs}}',
    `      seed: ${index * 7 + 1}`,
    '    outputs:',
    last ? '      data_out: ${{parent.outputs.final_data}}' : '      data_out:',
    ...(last ? [] : ['        type: uri_folder', '        mode: rw_mount']),
    last ? '      metrics: ${{parent.outputs.final_metrics}}' : '      metrics:',
    ...(last ? [] : ['        type: uri_file', '        mode: upload']),
    '    resources:',
    `      instance_count: ${1 + (index % 4)}`,
  );
  if (index % 2 === 0) lines.push(`      instance_type: ${INSTANCE_TYPES[index % INSTANCE_TYPES.length]}`);
  lines.push('      shm_size: 2g');
  switch (index % 3) {
    case 0:
      lines.push('    distribution:', '      type: pytorch', '      process_count_per_instance: 2');
      break;
    case 1:
      lines.push('    distribution:', '      type: mpi', '      process_count_per_instance: 1');
      break;
    default:
      lines.push(
        '    distribution:',
        '      type: tensorflow',
        '      worker_count: 2',
        '      parameter_server_count: 1',
      );
  }
  lines.push(
    '    environment_variables:',
    `      STEP_INDEX: "${index + 1}"`,
    '      AZUREML_COMPUTE_USE_COMMON_RUNTIME: "true"',
    '    tags:',
    `      stage: ${STAGES[index % STAGES.length]}`,
    '      owner: bench',
  );
  return lines;
}

/** A pipeline job of about `targetLines` lines: steps are added until there are at least that many. */
export function pipelineYaml(targetLines = 1000): PipelineText {
  const head = [
    '$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json',
    'type: pipeline',
    'display_name: yaml-engine-benchmark-pipeline',
    'experiment_name: yaml-engine-benchmark',
    'description: A long pipeline of command steps for timing the YAML engine.',
    'tags:',
    '  purpose: benchmark',
    '  generated: "true"',
    'settings:',
    '  default_compute: azureml:cpu-cluster',
    '  default_datastore: azureml:workspaceblobstore',
    '  continue_on_step_failure: false',
    'inputs:',
    '  training_data:',
    '    type: uri_folder',
    '    path: azureml:training-data:1',
    '  reference_data:',
    '    type: uri_folder',
    '    path: https://azuremlexamples.blob.core.windows.net/datasets/iris/',
    '  learning_rate: 0.01',
    '  epochs: 10',
    'outputs:',
    '  final_data:',
    '    type: uri_folder',
    '    mode: rw_mount',
    '  final_metrics:',
    '    type: uri_file',
    '    mode: upload',
    'jobs:',
  ];
  let count = 0;
  for (let total = head.length; total < targetLines || count < 2; count++) total += step(count, false).length;
  const lines = [...head];
  for (let index = 0; index < count; index++) lines.push(...step(index, index === count - 1));
  // An odd step (no instance_type) about two thirds of the way down.
  const deep = Math.floor((count * 2) / 3);
  return { text: lines.join('\n') + '\n', completionStep: stepName(deep % 2 === 1 ? deep : deep + 1) };
}
