/**
 * DICOMweb resource URLs (PS3.18 10.4.1: RetrieveURL (0008,1190) and BulkDataURI point at the
 * WADO-RS resources of this origin server).
 */

/** The UIDs naming a study, series or instance. */
export interface DicomPath {
  readonly studyUid: string;
  readonly seriesUid?: string;
  readonly sopInstanceUid?: string;
}

/**
 * The WADO-RS URL of a study, series or instance.
 * @param root - the DICOMweb root (`<base>/dicomweb`)
 * @param path - the UIDs
 */
export function retrieveUrl(root: string, path: DicomPath): string {
  let url = `${root}/studies/${path.studyUid}`;
  if (path.seriesUid !== undefined) {
    url += `/series/${path.seriesUid}`;
    if (path.sopInstanceUid !== undefined) {
      url += `/instances/${path.sopInstanceUid}`;
    }
  }
  return url;
}

/**
 * The frames URL of an instance, listing every frame (PS3.18 10.4.1.1.5).
 * @param instanceUrl - the instance's RetrieveURL
 * @param frames - the number of frames
 */
export function framesUrl(instanceUrl: string, frames: number): string {
  const list = Array.from({ length: Math.max(1, frames) }, (_, i) => String(i + 1)).join(',');
  return `${instanceUrl}/frames/${list}`;
}
