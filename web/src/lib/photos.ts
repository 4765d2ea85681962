// Photos travel as base64 data URLs in the intake body (at most 2 MB each after decoding). Phone photos are
// larger than that, so anything big is redrawn as a JPEG no wider or taller than MAX_SIDE.
import { api } from '../api/client';

const MAX_SIDE = 1600;
const KEEP_BELOW_BYTES = 1_200_000;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('not an image'));
    img.src = src;
  });
}

export async function photoToDataUrl(file: File): Promise<string> {
  const original = await readAsDataUrl(file);
  const img = await loadImage(original);
  if (file.size <= KEEP_BELOW_BYTES && Math.max(img.naturalWidth, img.naturalHeight) <= MAX_SIDE) return original;
  const scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(img.naturalWidth * scale);
  canvas.height = Math.round(img.naturalHeight * scale);
  canvas.getContext('2d')?.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/jpeg', 0.85);
}

/** A photo of a case, fetched with the caller's token (an <img src> cannot send one) and shown as data: URL. */
export async function fetchPhoto(caseId: string, photoId: string): Promise<string> {
  const { data, response } = await api.GET('/api/v1/cases/{id}/photos/{photoId}', {
    params: { path: { id: caseId, photoId } },
    parseAs: 'blob',
  });
  if (!response.ok || !data) throw new Error(`photo ${response.status}`);
  return readAsDataUrl(data);
}
