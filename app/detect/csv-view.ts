/** The shapes of a CSV analysis as it crosses the contract (types only, so the renderer can share them). */
export type CsvDelimiter = ',' | ';' | '\t' | '|';
export type CsvLane = 'safe' | 'needs_choice' | 'maybe_two_people';

/** What a person sees of a record beside the other one of a pair: the values as the file wrote them. */
export interface CsvRecordView {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly address: string;
}

export interface CsvBytesAnalysis {
  readonly records: number;
  readonly encodingLabel: string;
  readonly delimiter: CsvDelimiter;
  readonly delimiterLabel: string;
  readonly header: string[];
  readonly recognised: Record<string, string[]>;
  readonly ignored: string[];
  readonly fields: { readonly field: string; readonly label: string }[];
  readonly warnings: string[];
  readonly comparisons: number;
  readonly pairs: number;
  readonly groups: number;
  readonly lanes: Record<CsvLane, number>;
  readonly preview: {
    readonly idA: string;
    readonly idB: string;
    readonly score: number;
    readonly lane: CsvLane;
    readonly group: number;
    readonly a: CsvRecordView;
    readonly b: CsvRecordView;
  }[];
  readonly pairsCsv: string;
  readonly clustersCsv: string;
}
