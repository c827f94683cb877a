import './Save';
