// What a scan or a CSV analysis is doing, as the progress bar and the CLI say it.
const PHASE_WORDS: Readonly<Record<string, string>> = {
  starting: 'Starting',
  reading: 'Reading the file',
  loading: 'Reading contacts from the cache',
  normalising: 'Preparing names, emails, phones and addresses',
  blocking: 'Finding records that could be one person',
  scoring: 'Scoring the likely pairs',
  'saving keys': 'Saving what the next re-scan looks records up by',
  'saving pairs': 'Saving the scored pairs',
  'saving groups': 'Saving the duplicate groups',
  're-keying': 'Checking the contacts changed since the last scan',
};

/** A scan phase in words; a phase without its own words is shown as it is named. */
export function phaseInWords(phase: string): string {
  return PHASE_WORDS[phase] ?? phase;
}
