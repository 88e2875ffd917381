/**
 * MLTable files as Microsoft's AutoML documentation and samples write them. Each names its data file relative
 * to the MLTable folder.
 */

/** Images (reference-automl-images-schema, how-to-prepare-datasets-for-automl-images): JSON Lines, image_url a stream. */
export function imageMlTable(dataFile: string): string {
  return [
    'paths:',
    `  - file: ./${dataFile}`,
    'transformations:',
    '  - read_json_lines:',
    '        encoding: utf8',
    '        invalid_lines: error',
    '        include_path_column: false',
    '  - convert_column_types:',
    '      - columns: image_url',
    '        column_type: stream_info',
    '',
  ].join('\n');
}

/** Text classification (the AutoML NLP samples): a comma-separated file with a header row. */
export function csvMlTable(dataFile: string): string {
  return [
    'paths:',
    `  - file: ./${dataFile}`,
    'transformations:',
    '  - read_delimited:',
    "      delimiter: ','",
    "      encoding: 'utf8'",
    '      empty_as_string: false',
    '',
  ].join('\n');
}

/**
 * Named-entity recognition (the AutoML NLP NER samples): AutoML reads the CoNLL file `paths` names itself;
 * the samples' `take: 1` is kept as they have it.
 */
export function conllMlTable(dataFile: string): string {
  return ['paths:', `  - file: ./${dataFile}`, 'transformations:', '  - take: 1', ''].join('\n');
}
