export { PresetEditor } from './preset-editor';
